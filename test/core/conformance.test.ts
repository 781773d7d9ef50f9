/**
 * Registry-driven conformance: every estimator kind registered by the public entries must have
 * an entry here (a new estimator without one fails the first test, which lists the missing kinds),
 * and every entry runs the contract checks of test/helpers/conformance.ts (`checkContract`):
 * deeply immutable params, unit sample weights equal no weights, one error class per bad weight,
 * partialFit streams equal fit where promised, fitTransform / fitPredict equal fit + transform /
 * labels, score equals the public metric, `__` routing on meta-estimators, and row-order
 * invariance where it should hold (declared per entry with `rowOrderTol`). The per-area test files
 * run `checkEstimator` (the basic checks) for their estimators.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as deepmine from '../../src/index.js';
import { registeredKinds } from '../../src/core/estimator.js';
import { checkContract, checkEstimator, type ContractOptions } from '../helpers/conformance.js';
import { DummyClassifier, DummyRegressor } from '../../src/dummy/dummy.js';

const X = Array.from({ length: 30 }, (_, i) => [i % 7, (i * 3) % 5, i / 10]);
const yc = X.map((_, i) => (i % 3 === 0 ? 'a' : 'b'));
const yr = X.map((_, i) => i * 0.5);

checkEstimator('DummyClassifier(stratified)', { make: (p) => new DummyClassifier({ strategy: 'stratified', ...p }), X, y: yc });
checkEstimator('DummyRegressor', { make: (p) => new DummyRegressor({ strategy: 'median', ...p }), X, y: yr });

const D = deepmine as unknown as Record<string, new (...a: unknown[]) => never>;
const Xb = Array.from({ length: 40 }, (_, i) => [(i % 4) * 3 + Math.sin(i) * 0.3, ((i * 7) % 4) * 2 + Math.cos(i) * 0.3, (i % 5) / 4]);
const yb = Xb.map((r) => (r[0]! + r[1]! > 6 ? 1 : 0));
const ybr = Xb.map((r) => r[0]! - 0.5 * r[1]! + r[2]!);
const sup = (Ctor: string, params: Record<string, unknown>, extra: Partial<ContractOptions> = {}): ContractOptions =>
  ({ make: (p) => new D[Ctor]!({ ...params, ...p }), X: Xb, y: yb, weights: 'arg', ...extra });
const reg = (Ctor: string, params: Record<string, unknown>, extra: Partial<ContractOptions> = {}): ContractOptions =>
  ({ make: (p) => new D[Ctor]!({ ...params, ...p }), X: Xb, y: ybr, weights: 'arg', ...extra });
const tr = (Ctor: string, params: Record<string, unknown> = {}, extra: Partial<ContractOptions> = {}): ContractOptions =>
  ({ make: (p) => new D[Ctor]!({ ...params, ...p }), X: Xb, ...extra });

/** kind -> contract entry, or a written reason why the kind has none here. */
const ENTRIES: Record<string, ContractOptions | { none: string }> = {
  AgglomerativeClustering: tr('AgglomerativeClustering', { nClusters: 3 }, { methods: [] }),
  AutoencoderFeatures: tr('AutoencoderFeatures', { encoderSizes: [3, 2], epochs: 2, randomState: 0 }),
  AutoencoderOutlierDetector: tr('AutoencoderOutlierDetector', { encoderSizes: [3, 2], epochs: 2, randomState: 0 }, { methods: ['scoreSamples', 'predict'] }),
  Autoencoder: tr('Autoencoder', { encoderLayers: [3], latentDim: 2, epochs: 2 }),
  ColumnTransformer: tr('ColumnTransformer', { transformers: [['a', new deepmine.StandardScaler(), [0, 2]]], remainder: 'passthrough' }),
  DBSCAN: tr('DBSCAN', { eps: 1.5, minSamples: 3 }, { methods: [], weights: 'opts', weightRules: { allowNegative: true, allowZeroSum: true } }),
  DeepClustering: tr('DeepClustering', { nClusters: 3, encoderSizes: [4, 2], pretrainEpochs: 2, batchSize: 8, maxIter: 10, updateInterval: 5, nInit: 2, randomState: 0 }),
  DecisionTreeClassifier: sup('DecisionTreeClassifier', { maxDepth: 3 }),
  DecisionTreeRegressor: reg('DecisionTreeRegressor', { maxDepth: 3 }),
  DummyClassifier: sup('DummyClassifier', { strategy: 'prior' }),
  DummyRegressor: reg('DummyRegressor', {}, { weights: undefined, rowOrderTol: 1e-12 }),
  FunctionTransformer: tr('FunctionTransformer', { func: 'square', validate: true }),
  GaussianMixture: tr('GaussianMixture', { nComponents: 2 }),
  GridSearchCV: { make: (p) => new deepmine.GridSearchCV({ estimator: new deepmine.LogisticRegression(), paramGrid: { C: [0.1, 1] }, cv: 3, ...p }) as never, X: Xb, y: yb, methods: ['predict'] },
  HistGradientBoostingClassifier: sup('HistGradientBoostingClassifier', { maxIter: 5, minSamplesLeaf: 5, randomState: 0 }),
  HistGradientBoostingRegressor: reg('HistGradientBoostingRegressor', { maxIter: 5, minSamplesLeaf: 5, randomState: 0 }),
  IsolationForest: tr('IsolationForest', { nEstimators: 10 }, { weights: 'arg' }),
  IncrementalPCA: tr('IncrementalPCA', { nComponents: 2, batchSize: 8 }, { partialFitBatch: 8 }),
  KBinsDiscretizer: tr('KBinsDiscretizer', { nBins: 3, strategy: 'uniform' }),
  KMeans: tr('KMeans', { nClusters: 3, nInit: 1 }, { weights: 'opts' }),
  KNNImputer: tr('KNNImputer', { nNeighbors: 3 }),
  KNeighborsClassifier: sup('KNeighborsClassifier', { nNeighbors: 3 }, { weights: undefined }),
  KNeighborsRegressor: reg('KNeighborsRegressor', { nNeighbors: 3 }, { weights: undefined }),
  LabelEncoder: { none: '1-D labels, not X: covered by test/preprocessing/conformance.test.ts' },
  LinearRegression: reg('LinearRegression', {}, { weightTol: 1e-12, rowOrderTol: 1e-10 }),
  LogisticRegression: sup('LogisticRegression', {}, { rowOrderTol: 1e-5 }),
  MLPClassifier: sup('MLPClassifier', { hiddenLayerSizes: [4], maxIter: 5 }, { weights: undefined }),
  MLPRegressor: reg('MLPRegressor', { hiddenLayerSizes: [4], maxIter: 5 }, { weights: undefined }),
  MaxAbsScaler: tr('MaxAbsScaler', {}, { rowOrderTol: 0 }),
  MinMaxScaler: tr('MinMaxScaler', { featureRange: [0, 2] }, { rowOrderTol: 0 }),
  MiniBatchKMeans: tr('MiniBatchKMeans', { nClusters: 3, batchSize: 8 }, { weights: 'opts' }),
  NearestNeighbors: tr('NearestNeighbors', { nNeighbors: 3 }, { methods: ['kneighbors'] }),
  NetFeatureSelector: { ...tr('NetFeatureSelector', { k: 2, hiddenLayerSizes: [4], maxIter: 3, randomState: 0 }), y: yb },
  Normalizer: tr('Normalizer'),
  OneHotEncoder: tr('OneHotEncoder', {}, { X: Xb.map((r) => r.map((v) => Math.round(v))) }),
  OrdinalEncoder: tr('OrdinalEncoder', {}, { X: Xb.map((r) => r.map((v) => Math.round(v))) }),
  OutlierFilter: tr('OutlierFilter'),
  PCA: tr('PCA', { nComponents: 2 }, { rowOrderTol: 1e-9 }),
  Pipeline: { make: (p) => new deepmine.Pipeline({ steps: [['s', new deepmine.StandardScaler()], ['c', new deepmine.LogisticRegression()]], ...p }) as never, X: Xb, y: yb, methods: ['predict', 'predictProba'] },
  PolynomialFeatures: tr('PolynomialFeatures'),
  RFE: { make: (p) => new deepmine.RFE({ estimator: new deepmine.DecisionTreeClassifier({ randomState: 0 }), nFeaturesToSelect: 2, ...p }) as never, X: Xb, y: yb, methods: ['transform', 'predict'] },
  RandomForestClassifier: sup('RandomForestClassifier', { nEstimators: 5, maxDepth: 3 }),
  RandomForestRegressor: reg('RandomForestRegressor', { nEstimators: 5, maxDepth: 3 }),
  RandomizedSearchCV: { make: (p) => new deepmine.RandomizedSearchCV({ estimator: new deepmine.LogisticRegression(), paramDistributions: { C: deepmine.uniform(0.1, 2) }, nIter: 2, cv: 3, ...p }) as never, X: Xb, y: yb, methods: ['predict'] },
  Ridge: reg('Ridge', { alpha: 0.5 }, { weightTol: 1e-12, rowOrderTol: 1e-10 }),
  RobustScaler: tr('RobustScaler'),
  SelectKBest: { ...tr('SelectKBest', { k: 2 }), y: yb },
  SelectPercentile: { ...tr('SelectPercentile', { percentile: 50 }), y: yb },
  SimpleImputer: tr('SimpleImputer'),
  StandardScaler: tr('StandardScaler', {}, { rowOrderTol: 1e-12 }),
  SurrogateTree: { make: (p) => new D.SurrogateTree!({ model: new deepmine.DecisionTreeClassifier({ maxDepth: 4, randomState: 0 }).fit(Xb, yb), maxLeafNodes: 4, ...p }) as never, X: Xb },
  TransactionEncoder: { none: 'transactions (ragged item lists), not X: covered by test/assoc/io.test.ts' },
  VarianceThreshold: tr('VarianceThreshold'),
};

it('every registered estimator kind has a conformance entry', () => {
  const missing = registeredKinds().filter((k) => !(k in ENTRIES));
  assert.deepEqual(missing, [], `registered kinds without an entry in test/core/conformance.test.ts ENTRIES: ${missing.join(', ')}`);
  const stale = Object.keys(ENTRIES).filter((k) => !registeredKinds().includes(k));
  assert.deepEqual(stale, [], `entries for kinds that are not registered: ${stale.join(', ')}`);
});

for (const [kind, entry] of Object.entries(ENTRIES)) {
  if ('none' in entry) continue;
  if (!registeredKinds().includes(kind)) continue;
  checkContract(kind, entry);
}
