/**
 * The shared context every analysis stage reads and extends, and the options (the `--config`
 * JSON schema) with their validation. Browser-safe.
 */
import { InvalidParameterError } from '../core/errors.js';
import { DataError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Table } from '../core/table.js';
import type { Profile } from '../analysis/profile.js';
import type { TransactionDB } from '../assoc/transactions.js';
import type { Alert, StageOutcome } from './types.js';

/** Stage names, in run order (`--skip` takes these). */
export const STAGE_NAMES = ['profile', 'clean', 'split', 'tree', 'forest', 'nn', 'importance', 'shap', 'surrogate', 'errors', 'pca', 'cluster', 'rules'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Options of {@link analyze}; the `--config file.json` of `deepmine analyze` has exactly this shape. */
export interface AnalyzeOptions {
  /** Target column (default: a column named `target`, else no supervised stages). null: none. */
  target?: string | null;
  /** Test fraction (default 0.2). */
  testSize?: number;
  /** Seed of every random choice (default 42). */
  seed?: number;
  /** Stages not to run. */
  skip?: StageName[];
  /** Rows used to train the models above this size (a seeded sample; default 50,000). */
  maxTrainRows?: number;
  tree?: { maxDepth?: number; minSamplesLeaf?: number };
  forest?: { nEstimators?: number; maxDepth?: number | null };
  nn?: { layers?: number[]; epochs?: number; batchSize?: number; learningRate?: number; validationSplit?: number };
  importance?: { nRepeats?: number; maxRows?: number };
  shap?: { maxRows?: number };
  surrogate?: { maxDepth?: number };
  errors?: { maxSlices?: number };
  pca?: { nComponents?: number };
  cluster?: { k?: number | 'auto'; kMax?: number; maxRows?: number };
  rules?: { minSupport?: number; minConfidence?: number; maxLen?: number; maxRules?: number; maxRows?: number; shown?: number };
}

/** Resolved options (defaults filled in). */
export type ResolvedOptions = Required<Omit<AnalyzeOptions, 'target'>> & { target: string | null | undefined } & {
  tree: Required<NonNullable<AnalyzeOptions['tree']>>;
  forest: { nEstimators: number; maxDepth: number | null };
  nn: Required<Omit<NonNullable<AnalyzeOptions['nn']>, 'learningRate'>> & { learningRate?: number };
  importance: Required<NonNullable<AnalyzeOptions['importance']>>;
  shap: Required<NonNullable<AnalyzeOptions['shap']>>;
  surrogate: Required<NonNullable<AnalyzeOptions['surrogate']>>;
  errors: Required<NonNullable<AnalyzeOptions['errors']>>;
  pca: Required<NonNullable<AnalyzeOptions['pca']>>;
  cluster: Required<NonNullable<AnalyzeOptions['cluster']>>;
  rules: Required<NonNullable<AnalyzeOptions['rules']>>;
};

const DEFAULTS = {
  testSize: 0.2, seed: 42, skip: [] as StageName[], maxTrainRows: 50000,
  tree: { maxDepth: 4, minSamplesLeaf: 5 },
  forest: { nEstimators: 50, maxDepth: null as number | null },
  nn: { layers: [32, 16], epochs: 30, batchSize: 32, validationSplit: 0.2 },
  importance: { nRepeats: 5, maxRows: 2000 },
  shap: { maxRows: 100 },
  surrogate: { maxDepth: 3 },
  errors: { maxSlices: 10 },
  pca: { nComponents: 10 },
  cluster: { k: 'auto' as number | 'auto', kMax: 8, maxRows: 20000 },
  rules: { minSupport: 0.1, minConfidence: 0.7, maxLen: 3, maxRules: 20000, maxRows: 100000, shown: 200 },
};

type Check = (v: unknown) => boolean;
const int = (min: number, max = Infinity): Check => (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const num = (lo: number, hi: number, openLo = false, openHi = false): Check => (v) => typeof v === 'number' && Number.isFinite(v) && (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);

/** The documented schema: section -> key -> [check, description]. */
export const CONFIG_SCHEMA: Record<string, Record<string, [Check, string]>> = {
  tree: { maxDepth: [int(1, 30), 'an integer in [1, 30]'], minSamplesLeaf: [int(1), 'an integer >= 1'] },
  forest: { nEstimators: [int(1, 1000), 'an integer in [1, 1000]'], maxDepth: [(v) => v === null || int(1, 100)(v), 'null or an integer in [1, 100]'] },
  nn: {
    layers: [(v) => Array.isArray(v) && v.every(int(1, 4096)), 'an array of hidden layer sizes, e.g. [32, 16]'],
    epochs: [int(1, 10000), 'an integer in [1, 10000]'], batchSize: [int(1), 'an integer >= 1'],
    learningRate: [num(0, Infinity, true), 'a number > 0'], validationSplit: [num(0, 1, false, true), 'a number in [0, 1)'],
  },
  importance: { nRepeats: [int(1, 100), 'an integer in [1, 100]'], maxRows: [int(10), 'an integer >= 10'] },
  shap: { maxRows: [int(1, 100000), 'an integer in [1, 100000]'] },
  surrogate: { maxDepth: [int(1, 10), 'an integer in [1, 10]'] },
  errors: { maxSlices: [int(1, 100), 'an integer in [1, 100]'] },
  pca: { nComponents: [int(1), 'an integer >= 1'] },
  cluster: { k: [(v) => v === 'auto' || int(2, 100)(v), "'auto' or an integer in [2, 100]"], kMax: [int(2, 30), 'an integer in [2, 30]'], maxRows: [int(100), 'an integer >= 100'] },
  rules: {
    minSupport: [num(0, 1, true), 'a number in (0, 1]'], minConfidence: [num(0, 1), 'a number in [0, 1]'], maxLen: [int(2, 10), 'an integer in [2, 10]'],
    maxRules: [int(1, 10000000), 'an integer in [1, 10000000]'], maxRows: [int(10), 'an integer >= 10'], shown: [int(1, 5000), 'an integer in [1, 5000]'],
  },
};
const TOP: Record<string, [Check, string]> = {
  target: [(v) => v === null || (typeof v === 'string' && v.length > 0), 'null or a column name'],
  testSize: [num(0, 1, true, true), 'a number in (0, 1)'],
  seed: [int(0, 2 ** 32 - 1), 'an integer in [0, 2^32 - 1]'],
  skip: [(v) => Array.isArray(v) && v.every((s) => (STAGE_NAMES as readonly string[]).includes(s as string)), `an array of stage names (${STAGE_NAMES.join(', ')})`],
  maxTrainRows: [int(100), 'an integer >= 100'],
};

/**
 * Validate analysis options (e.g. a parsed `--config` file) and fill in the defaults. Unknown keys
 * and bad values throw an `InvalidParameterError` naming the key path, e.g. `config.nn.epochs`.
 */
export function resolveOptions(opts: unknown, owner = 'analyze'): ResolvedOptions {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidParameterError('config', 'a JSON object', opts, owner);
  const o = opts as Record<string, unknown>;
  const out: Record<string, unknown> = { ...DEFAULTS, target: o.target };
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    if (key in TOP) {
      const [ok, what] = TOP[key]!;
      if (!ok(value)) throw new InvalidParameterError(`config.${key}`, what, value, owner);
      out[key] = value;
    } else if (key in CONFIG_SCHEMA) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidParameterError(`config.${key}`, `an object with keys ${Object.keys(CONFIG_SCHEMA[key]!).join(', ')}`, value, owner);
      const section: Record<string, unknown> = { ...(DEFAULTS as unknown as Record<string, object>)[key] };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const rule = CONFIG_SCHEMA[key]![k];
        if (!rule) throw new InvalidParameterError(`config.${key}.${k}`, `one of the keys ${Object.keys(CONFIG_SCHEMA[key]!).join(', ')}`, k, owner);
        if (v === undefined) continue;
        if (!rule[0](v)) throw new InvalidParameterError(`config.${key}.${k}`, rule[1], v, owner);
        section[k] = v;
      }
      out[key] = section;
    } else {
      throw new InvalidParameterError(`config.${key}`, `a known key (${[...Object.keys(TOP), ...Object.keys(CONFIG_SCHEMA)].join(', ')})`, key, owner);
    }
  }
  return out as ResolvedOptions;
}

/** Progress events: one per stage start/end, and free-form lines from long stages (epochs...). */
export type ProgressFn = (event: { stage: StageName; phase: 'start' | 'end' | 'info'; message: string }) => void;

/** What the stages share. Each stage reads what earlier ones left and adds its own part. */
export interface AnalysisContext {
  table: Table;
  source: string;
  opts: ResolvedOptions;
  progress: ProgressFn;
  alerts: Alert[];
  profile: Profile | null;
  target: string | null;
  task: 'classification' | 'regression' | null;
  /** class labels sorted (classification) */
  classes: string[] | null;
  /** cleaned features (imputed, one-hot, not scaled) of the rows with a target (all rows without a target) */
  X: Matrix | null;
  featureNames: string[];
  /** label strings (classification) or numbers (regression); null without a target */
  y: string[] | number[] | null;
  /** rows of `table` behind X (null: all rows) */
  rowIndex: Int32Array | null;
  /** the Table the rules stage discretizes (dropped columns removed) */
  ruleTable: Table | null;
  droppedColumns: { column: string; reason: string }[];
  /** how each feature is computed from the input columns (to encode new data the same way) */
  encoding: FeatureSpec[];
  /** X with missing values replaced by the column medians (all rows) */
  Ximputed?: Matrix | null;
  /** standard-scaled X (all rows), for PCA and clustering */
  Z: Matrix | null;
  split: {
    XTrain: Matrix; XTest: Matrix; yTrain: (string | number)[]; yTest: (string | number)[];
    /** standard-scaled versions (scaler fitted on the training part) */
    ZTrain: Matrix; ZTest: Matrix;
    trainRows: number;
    /** training medians (imputation) and standard-scaler mean/scale */
    medians: Float64Array; mean: Float64Array; scale: Float64Array;
    /** row indices into X of the (sampled) training and test rows */
    trainIdx: Int32Array; testIdx: Int32Array;
  } | null;
  /** fitted models by name (tree, forest, nn) with a predict over unscaled X */
  models: Record<string, FittedModel>;
  clusterLabels: Int32Array | null;
  /** row indices (into X / Z) of the cluster labels */
  clusterRows: Int32Array | null;
  outcomes: Partial<Record<StageName, StageOutcome>>;
  /** basket input: the transactions the rules stage mines */
  transactions: TransactionDB | null;
}

/** A trained model as the explainers see it: predictions on unscaled, cleaned features. */
export interface FittedModel {
  name: string;
  /** class labels (classification) or values */
  predict(X: Matrix): (string | number)[];
  /** n x nClasses probabilities (classification) */
  predictProba?(X: Matrix): Matrix;
  /** the underlying estimator, when explainers need it (tree-SHAP) */
  estimator?: { toJSON(): unknown };
  /** a net trained on a standard-scaled target: predictions = raw * scale + mean */
  targetScaling?: { mean: number; scale: number } | null;
}

/** One stage: a name, what it needs, and a function over the context. */
export interface Stage {
  name: StageName;
  title: string;
  /** stages whose output this one needs (it is not-applicable when one did not run) */
  needs: StageName[];
  /** needs a target column */
  supervised?: boolean;
  run(ctx: AnalysisContext): Promise<{ data: unknown; notes?: string[] } | { unavailable: string } | { notApplicable: string }> | { data: unknown; notes?: string[] } | { unavailable: string } | { notApplicable: string };
}

/** How one model feature is computed from an input column. */
export type FeatureSpec =
  | { name: string; column: string; kind: 'value' }
  | { name: string; column: string; kind: 'onehot'; level: string }
  | { name: string; column: string; kind: 'other'; levels: string[] };

/**
 * Encode a Table with feature specs: numbers/booleans/dates as values (NaN when missing), one-hot
 * levels as 0/1 (a missing category is 0). A column the specs need and the table lacks is a
 * DataError naming it.
 */
export function encodeTable(table: Table, specs: readonly FeatureSpec[], owner = 'encodeTable'): Matrix {
  const n = table.nRows, d = specs.length;
  const X = new Matrix(new Float64Array(n * d), n, d);
  specs.forEach((f, j) => {
    if (!table.has(f.column)) throw new DataError('data', `a column ${JSON.stringify(f.column)} (the model was trained on it)`, `columns [${table.names.slice(0, 12).map((x) => JSON.stringify(x)).join(', ')}${table.nCols > 12 ? ', ...' : ''}]`, owner);
    const c = table.column(f.column);
    if (f.kind === 'value') {
      if (c.kind === 'categorical') {
        const num = c.labels.map((l) => (l.trim() === '' ? NaN : Number(l)));
        for (let i = 0; i < n; i++) X.data[i * d + j] = c.codes[i]! < 0 ? NaN : num[c.codes[i]!]!;
      } else for (let i = 0; i < n; i++) X.data[i * d + j] = c.values[i]!;
      return;
    }
    const labelOf = (i: number): string | null => {
      if (c.kind === 'categorical') return c.codes[i]! < 0 ? null : c.labels[c.codes[i]!]!;
      const v = c.values[i]!;
      return Number.isNaN(v) ? null : c.kind === 'boolean' ? String(v === 1) : String(v);
    };
    const other = f.kind === 'other' ? new Set(f.levels) : null;
    for (let i = 0; i < n; i++) {
      const l = labelOf(i);
      X.data[i * d + j] = l === null ? 0 : f.kind === 'onehot' ? (l === f.level ? 1 : 0) : other!.has(l) ? 0 : 1;
    }
  });
  return X;
}
