// The conformance suite (test/helpers/conformance.ts) run on the two estimators from this area's
// own file, so the shared test/core/conformance.test.ts needs no edit.
import { checkEstimator } from '../helpers/conformance.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src/ensemble/index.js';

const X = Array.from({ length: 60 }, (_, i) => [i % 7, (i * 3) % 5, i / 10, i % 2 ? NaN : i % 4]);
const yc = X.map((_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c'));
const yr = X.map((_, i) => i * 0.5 + (i % 5));

checkEstimator('HistGradientBoostingClassifier', { make: (p) => new HistGradientBoostingClassifier({ maxIter: 5, minSamplesLeaf: 5, randomState: 0, ...p }), X, y: yc });
checkEstimator('HistGradientBoostingRegressor', { make: (p) => new HistGradientBoostingRegressor({ maxIter: 5, minSamplesLeaf: 5, randomState: 0, ...p }), X, y: yr });
