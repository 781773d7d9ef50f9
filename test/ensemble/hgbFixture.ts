import { readFileSync } from 'node:fs';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { loadDataset } from '../../src/datasets/load.js';

export interface TreeFx { feature: number[]; threshold: (number | 'inf')[]; missingGoToLeft: number[]; left: number[]; right: number[]; isLeaf: number[]; value: number[]; count: number[]; binThreshold: number[] }
export interface CaseFx {
  kind: 'reg' | 'clf'; data: string; params: Record<string, unknown>; nIter: number; thresholds: number[][]; nBinsNonMissing: number[];
  trees: TreeFx[][]; baseline: number[]; trainScore: number[]; validationScore: number[]; sampleWeight?: 'ramp';
  pred: number[]; staged5?: number[]; decision?: number[]; proba?: number[]; stagedDecision5?: number[];
}
export interface Fx {
  sklearn: string; cases: CaseFx[];
  synth: Record<string, { n: number; d: number; seed: number; nanFrac: number; y: Record<string, number[]> }>;
  binning: { n: number; d: number; seed: number; nanFrac: number; nBins: number; randomState: number; thresholds: number[][] }[];
}

export const fx: Fx = JSON.parse(readFileSync(new URL('../fixtures/ensemble_hgb.json', import.meta.url), 'utf8'));

/** The script's synth(): 4 * rand(n, d) - 2 row-major, then a rand(n, d) < nanFrac mask. */
export function synthX(n: number, d: number, seed: number, nanFrac: number): Matrix {
  const rng = new RandomState(seed);
  const X = rng.rand(n * d);
  for (let i = 0; i < X.length; i++) X[i] = X[i]! * 4 - 2;
  if (nanFrac > 0) {
    const u = rng.rand(n * d);
    for (let i = 0; i < X.length; i++) if (u[i]! < nanFrac) X[i] = NaN;
  }
  return new Matrix(X, n, d);
}

/** The script's mixed(): columns 4 and 5 categorical, NaN in columns 0 and 5. */
export function mixedX(n: number, seed: number): Matrix {
  const rng = new RandomState(seed);
  const X = rng.rand(n * 6);
  for (let i = 0; i < X.length; i++) X[i] = X[i]! * 4 - 2;
  const c4 = rng.rand(n);
  for (let i = 0; i < n; i++) X[i * 6 + 4] = Math.floor(c4[i]! * 12);
  const c5 = rng.rand(n);
  for (let i = 0; i < n; i++) X[i * 6 + 5] = Math.floor(c5[i]! * 4);
  const m5 = rng.rand(n);
  for (let i = 0; i < n; i++) if (m5[i]! < 0.08) X[i * 6 + 5] = NaN;
  const m0 = rng.rand(n);
  for (let i = 0; i < n; i++) if (m0[i]! < 0.05) X[i * 6] = NaN;
  return new Matrix(X, n, 6);
}

const cache = new Map<string, Matrix>();
export function caseData(c: CaseFx): { X: Matrix; y: number[] } {
  if (c.data === 'mixed') {
    const s = fx.synth.mixed!;
    if (!cache.has('mixed')) cache.set('mixed', mixedX(s.n, s.seed));
    return { X: cache.get('mixed')!, y: s.y[c.kind === 'reg' ? 'reg' : 'bin']! };
  }
  if (c.data === 'synth' || c.data === 'synth_nan') {
    const s = fx.synth[c.data === 'synth' ? 'clean' : 'nan']!;
    if (!cache.has(c.data)) cache.set(c.data, synthX(s.n, s.d, s.seed, s.nanFrac));
    const loss = c.params.loss;
    const key = c.kind === 'reg' ? (loss === 'poisson' ? 'pos' : 'reg') : (c.params.maxBins === 64 ? 'multi' : 'bin');
    return { X: cache.get(c.data)!, y: s.y[key]! };
  }
  const ds = loadDataset(c.data as 'iris');
  return { X: ds.X, y: Array.from(ds.y as ArrayLike<number>) };
}

export function ramp(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 7) / 4);
}
