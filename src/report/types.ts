/**
 * The shapes an analysis produces (`AnalysisResult`) and the report reads. Everything here is
 * aggregates (statistics, curves, counts, rules), never raw rows, so a report stays small for any
 * input size. These are also the documented `--json` shapes of `deepmine analyze` (`result.json`).
 */
import type { Profile } from '../analysis/profile.js';

/** One finding about the data, shown first in the report. */
export interface Alert {
  kind: 'constant' | 'high-cardinality' | 'id-like' | 'skewed' | 'correlated' | 'missing' | 'duplicates' | 'imbalance' | 'leakage' | 'outliers' | 'dropped-rows' | 'sampled';
  severity: 'info' | 'warning' | 'error';
  /** Column(s) concerned (empty for table-wide alerts). */
  columns: string[];
  /** What was measured, with its numbers. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** Outcome of one stage: its data, or why there is none. */
export type StageOutcome<T = unknown> =
  | { status: 'ok'; seconds: number; data: T; notes?: string[] }
  | { status: 'skipped' | 'unavailable' | 'failed' | 'not-applicable'; seconds: number; reason: string };

/** Classification/regression quality of one model on the test split. */
export interface ModelEval {
  model: string;
  task: 'classification' | 'regression';
  /** classification: accuracy, balancedAccuracy, macroF1, rocAuc (binary); regression: r2, mae, rmse */
  metrics: Record<string, number | null>;
  /** classification only */
  labels?: string[];
  confusion?: number[][];
  positiveClass?: string;
  /** binary classification: downsampled curves (at most ~500 points each) */
  roc?: { fpr: number[]; tpr: number[]; auc: number };
  pr?: { recall: number[]; precision: number[]; averagePrecision: number };
  /** regression: a sample of (actual, predicted) pairs for a scatter, at most 1,000 */
  residuals?: { actual: number[]; predicted: number[]; sampled: boolean };
}

export interface TreeSection {
  eval: ModelEval;
  depth: number;
  leaves: number;
  rules: { conditions: string[]; prediction: string; samples: number; confidence: number }[];
  layout: { nodes: { id: number; x: number; y: number; label: string; leaf: boolean; samples: number }[]; links: { source: number; target: number; condition: string }[] };
}

export interface ForestSection {
  eval: ModelEval;
  nEstimators: number;
  importances: { feature: string; importance: number }[];
}

export interface NetSection {
  eval: ModelEval;
  layers: string[];
  epochs: number;
  history: Record<string, number[]>;
  targetScaled: boolean;
}

export interface ImportanceSection {
  model: string;
  scoring: string;
  importances: { feature: string; mean: number; std: number }[];
}

export interface ShapSection {
  model: string;
  /** mean |SHAP| per feature, descending */
  meanAbs: { feature: string; value: number }[];
  /** beeswarm-like points (feature, shap value, feature value rank 0..1), at most ~5,000 */
  points: { feature: string; shap: number; value: number }[];
  sampled: boolean;
}

export interface SurrogateSection {
  model: string;
  fidelity: number;
  depth: number;
  rules: { rule: string; prediction: string; samples: number; confidence: number }[];
}

export interface ErrorSlicesSection {
  model: string;
  baseError: number;
  slices: { slice: string; size: number; error: number; lift: number }[];
}

export interface PcaSection {
  explainedVarianceRatio: number[];
  loadings: { component: number; feature: string; weight: number }[];
  points: { pc1: number; pc2: number; cluster: number }[];
  sampled: boolean;
  totalRows: number;
}

export interface ClusterSection {
  algorithm: string;
  k: number;
  sizes: number[];
  silhouette: number | null;
  candidates: { k: number; silhouette: number; inertia: number }[];
  /** per cluster: the features that set it apart */
  descriptions: { cluster: number; size: number; text: string; features: { feature: string; z: number; mean: number }[]; rules: string[]; itemsets: string[] }[];
  method: string;
}

export interface RulesSection {
  nTransactions: number;
  nItems: number;
  minSupport: number;
  minConfidence: number;
  nItemsets: number;
  nRules: number;
  /** true when rule generation stopped at maxRules */
  capped: boolean;
  rules: { antecedents: string[]; consequents: string[]; support: number; confidence: number; lift: number; leverage: number; conviction: number | null }[];
  /** rows shown in the report; the full list goes to rules.csv */
  shown: number;
}

/** Everything `analyze` found; `result.json` beside the report. */
export interface AnalysisResult {
  run: {
    source: string;
    rows: number;
    columns: number;
    target: string | null;
    task: 'classification' | 'regression' | null;
    classes: string[] | null;
    /** rows per class of the target (classification) */
    classCounts: { label: string; count: number }[] | null;
    seed: number;
    testSize: number;
    dataHash: string;
    startedAt: string;
    seconds: number;
    versions: Record<string, string>;
    options: Record<string, unknown>;
  };
  alerts: Alert[];
  profile: Profile | null;
  /** feature columns used by the models after cleaning */
  features: string[];
  droppedColumns: { column: string; reason: string }[];
  stages: Record<string, StageOutcome>;
}
