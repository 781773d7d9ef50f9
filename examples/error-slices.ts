/**
 * Where does a model fail? SliceLine (Sagadeeva & Boehm, SIGMOD 2021) finds the top-k slices
 * (conjunctions of feature = value predicates) whose error is far above average and which are
 * large enough to matter.
 * Run: node --import tsx examples/error-slices.ts
 */
import { DecisionTreeClassifier, LinearRegression, loadDatasetAsync, Matrix, mineErrors, OneHotEncoder, Pipeline, RandomState, sliceLine } from '../src/index.js';

// 1. A classifier on categorical data: a depth-2 tree on the mushroom table (one-hot encoded
//    inside a pipeline). mineErrors slices the table's own categories with 0/1 errors.
const mush = await loadDatasetAsync('mushroom');
const pipe = new Pipeline([['onehot', new OneHotEncoder({ handleUnknown: 'ignore' })], ['tree', new DecisionTreeClassifier({ maxDepth: 2, randomState: 0 })]]).fit(mush.X, mush.y);
const res = mineErrors(pipe, mush.X, mush.y, { alpha: 0.95, minSupport: 100, k: 4, maxLevel: 2 });
console.log(`mushroom, depth-2 tree: error rate ${res.averageError.toFixed(3)} over ${res.nRows} rows (${res.loss} loss)`);
for (const s of res.slices) console.log(`  ${s.description.padEnd(60)} size ${String(s.size).padStart(5)}  errors ${s.errorSum}  rate ${s.errorRate.toFixed(2)}  score ${s.score.toFixed(3)}`);
console.log('  per level (evaluated / brute force): ' + res.levels.map((l) => `L${l.level} ${l.evaluated}/${l.bruteForce}`).join(', '));

// 2. A regressor: squared errors of a linear model on diabetes, numeric columns binned by quantile.
const db = await loadDatasetAsync('diabetes');
const lin = new LinearRegression().fit(db.X, db.y);
const reg = mineErrors(lin, db.X, db.y, { alpha: 0.99, minSupport: 20, k: 3, nBins: 4, featureNames: db.featureNames });
console.log(`\ndiabetes, linear regression: mean squared error ${reg.averageError.toFixed(1)}`);
for (const s of reg.slices) console.log(`  ${s.description}: size ${s.size}, mean squared error ${s.errorRate.toFixed(1)}, score ${s.score.toFixed(3)}`);

// 3. An error vector given directly: 20,000 rows x 10 features with a planted failing region.
const rs = new RandomState(0);
const n = 20_000, d = 10;
const X = new Matrix(rs.rand(n * d), n, d);
const u = rs.rand(n) as Float64Array;
const errors = Float64Array.from({ length: n }, (_, i) => (u[i]! < (X.get(i, 2) < 0.2 && X.get(i, 5) >= 0.8 ? 0.8 : 0.05) ? 1 : 0));
const t0 = performance.now();
const planted = sliceLine(X, errors, { alpha: 0.95, minSupport: 100, k: 3, maxLevel: 3, nBins: 5 });
console.log(`\nplanted slice (x2 < 0.2 AND x5 >= 0.8) in ${(performance.now() - t0).toFixed(0)} ms: found ${planted.slices[0]!.description} (size ${planted.slices[0]!.size}, error rate ${planted.slices[0]!.errorRate.toFixed(2)})`);
console.log('  per level (evaluated / brute force): ' + planted.levels.map((l) => `L${l.level} ${l.evaluated}/${l.bruteForce}`).join(', '));
