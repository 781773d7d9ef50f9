/**
 * What the split search takes and returns: the growth options, X as the splitter reads it, and the
 * split record; plus scikit-learn's FEATURE_THRESHOLD and midpoint threshold, shared by every search.
 */
import type { Criterion } from './criterion.js';

/**
 * scikit-learn declares `cdef DTYPE_t FEATURE_THRESHOLD = 1e-7`: a float32, and `Xf[p] + FEATURE_THRESHOLD`
 * is a float32 addition (hence the Math.fround around every such sum).
 */
export const FEATURE_THRESHOLD = Math.fround(1e-7);

export type SplitterName = 'best' | 'random' | 'hist';

export interface BuildOptions {
  splitter: SplitterName;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minWeightLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
  /** -1: depth-first growth; otherwise best-first growth with this many leaves at most. */
  maxLeafNodes: number;
  /** initial our_rand_r state (scikit-learn: random_state.randint(0, RAND_R_MAX)) */
  seed: number;
  /**
   * 'best' only: keep one index array per feature sorted once at the start and stably partitioned
   * at each split, instead of sorting every node. Gives the same tree as scikit-learn whenever the
   * order of samples with tied values cannot change a sum (classification with integer weights).
   */
  presort?: boolean;
}

/** X as the splitter reads it: column-major float32 (scikit-learn's DTYPE) or bin codes. */
export interface SplitterData {
  n: number;
  d: number;
  /** n x d column-major: Xc[f * n + i] (float32 values; hist: unused for the search). */
  Xc: Float32Array;
  /** hist only: bin codes, column-major, and the upper edge of each bin per feature. */
  bins?: Uint8Array;
  binEdges?: Float64Array[];
  /** optional per-feature argsort of all n rows (d x n); presort mode filters it instead of sorting */
  order?: Int32Array;
  /** hist only: bin codes row-major (n x d), for the one-pass histogram build */
  binsRow?: Uint8Array;
  /** 1 for features with NaN somewhere in X ('best' splitter only) */
  nanMask?: Uint8Array;
}

/** Result of a node split (scikit-learn's `SplitRecord`). */
export interface Split {
  feature: number;
  pos: number;
  threshold: number;
  improvement: number;
  impurityLeft: number;
  impurityRight: number;
  nMissing: number;
  missingGoToLeft: boolean;
}

/**
 * scikit-learn's threshold between the sorted values Xf[p - 1] and Xf[p]: their midpoint, or
 * Xf[p - 1] when the midpoint rounds up to Xf[p] or overflows.
 */
export function midThreshold(Xf: Float32Array, p: number): number {
  const thr = Xf[p - 1]! / 2.0 + Xf[p]! / 2.0;
  return thr === Xf[p] || thr === Infinity || thr === -Infinity ? Xf[p - 1]! : thr;
}

/** What a per-feature search reads and updates (the Splitter implements it). */
export interface NodeSearch {
  readonly data: SplitterData;
  readonly crit: Criterion;
  /** the node is samples[crit.start:crit.end] */
  readonly samples: Int32Array;
  /** feature values of the node's samples (float32, as scikit-learn's Xf) */
  readonly Xf: Float32Array;
  readonly o: BuildOptions;
  /** best proxy improvement found so far in the node */
  proxy: number;
}
