import { InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { encodeCategorical, Table, type Column } from '../core/table.js';
import * as breastCancer from './data/breast_cancer.js';
import * as diabetes from './data/diabetes.js';
import * as digits from './data/digits.js';
import * as groceries from './data/groceries.js';
import * as iris from './data/iris.js';
import * as mushroom from './data/mushroom.js';
import * as wine from './data/wine.js';

/** A built-in numeric dataset (scikit-learn's bundled copies, same numbers). */
export interface NumericDataset {
  name: string;
  task: 'classification' | 'regression';
  /** n x d features */
  X: Matrix;
  /** class index (classification) or target value (regression), length n */
  y: Float64Array;
  featureNames: string[];
  /** class names for classification, null for regression */
  targetNames: string[] | null;
  description: string;
}

/** The mushroom dataset: categorical features with missing values ('?' in the source). */
export interface TableDataset {
  name: string;
  task: 'classification';
  /** 22 categorical columns; missing stalk-root values have code -1 */
  X: Table;
  /** 'e' (edible) or 'p' (poisonous) */
  y: string[];
  featureNames: string[];
  targetNames: string[];
  description: string;
}

/** A market-basket dataset: one array of item labels per transaction. */
export interface BasketDataset {
  name: string;
  task: 'baskets';
  transactions: string[][];
  /** Items sorted by name. */
  items: string[];
  X: null;
  y: null;
  featureNames: string[];
  targetNames: null;
  description: string;
}

export type Dataset = NumericDataset | TableDataset | BasketDataset;

const NUMERIC = { iris, wine, breast_cancer: breastCancer, digits, diabetes } as const;
export const DATASET_NAMES = ['breast_cancer', 'diabetes', 'digits', 'groceries', 'iris', 'mushroom', 'wine'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const cache = new Map<string, Dataset>();

/**
 * Load a dataset bundled with the package (no network, no files).
 *
 * @example
 * const { X, y, featureNames } = loadDataset('breast_cancer'); // X: 569 x 30 Matrix
 */
export function loadDataset(name: 'mushroom'): TableDataset;
export function loadDataset(name: 'groceries'): BasketDataset;
export function loadDataset(name: 'iris' | 'wine' | 'breast_cancer' | 'digits' | 'diabetes'): NumericDataset;
export function loadDataset(name: string): Dataset;
export function loadDataset(name: string): Dataset {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new InvalidParameterError('name', `one of ${DATASET_NAMES.map((n) => JSON.stringify(n)).join(', ')}`, name, 'loadDataset');
  }
  let ds = cache.get(name);
  if (!ds) {
    ds = name === 'mushroom' ? parseMushroom() : name === 'groceries' ? parseBaskets() : parseNumeric(name as keyof typeof NUMERIC);
    cache.set(name, ds);
  }
  return copyDataset(ds);
}

function copyDataset(ds: Dataset): Dataset {
  // callers own what they get: hand out copies of the mutable buffers
  if (ds.task === 'baskets') return { ...ds, transactions: ds.transactions.map((t) => [...t]), items: [...ds.items], featureNames: [...ds.featureNames] };
  if (ds.X instanceof Matrix) {
    const n = ds as NumericDataset;
    return { ...n, X: n.X.copy(), y: n.y.slice(), featureNames: [...n.featureNames], targetNames: n.targetNames ? [...n.targetNames] : null };
  }
  const t = ds as TableDataset;
  return { ...t, y: [...t.y], featureNames: [...t.featureNames], targetNames: [...t.targetNames] };
}

function parseNumbers(text: string): Float64Array {
  const parts = text.split(/[,\n]/);
  const out = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

function parseNumeric(name: keyof typeof NUMERIC): NumericDataset {
  const mod = NUMERIC[name];
  const meta = mod.meta as unknown as { nRows: number; nCols: number; featureNames: readonly string[]; targetNames: readonly string[] | null; description: string; task: 'classification' | 'regression' };
  const X = new Matrix(parseNumbers(mod.X.trim()), meta.nRows, meta.nCols);
  const y = parseNumbers(mod.y.trim());
  return { name, task: meta.task, X, y, featureNames: [...meta.featureNames], targetNames: meta.targetNames ? [...meta.targetNames] : null, description: meta.description };
}

function parseMushroom(): TableDataset {
  const lines = mushroom.CSV.trim().split('\n');
  const header = lines[0]!.trim().split(',');
  const cols: string[][] = header.map(() => []);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.trim().split(',');
    for (let j = 0; j < header.length; j++) cols[j]!.push(cells[j]!);
  }
  const target = header[0]!;
  const columns: Column[] = header.slice(1).map((h, k) => encodeCategorical(h, cols[k + 1]!, ['?']));
  return {
    name: 'mushroom',
    task: 'classification',
    X: new Table(columns),
    y: cols[0]!,
    featureNames: header.slice(1),
    targetNames: ['e', 'p'],
    description: `UCI Mushroom: ${lines.length - 1} mushrooms, ${header.length - 1} categorical attributes, target '${target}' (e = edible, p = poisonous); '?' (stalk-root) is missing.`,
  };
}

function parseBaskets(): BasketDataset {
  const transactions = groceries.BASKETS.trim().split('\n').map((l) => l.trim().split(',').filter((s) => s.length > 0));
  const items = [...new Set(transactions.flat())].sort();
  const meta = groceries.meta as unknown as { description: string };
  return { name: 'groceries', task: 'baskets', transactions, items, X: null, y: null, featureNames: items, targetNames: null, description: meta.description };
}
