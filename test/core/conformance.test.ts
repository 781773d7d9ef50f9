import { checkEstimator } from '../helpers/conformance.js';
import { DummyClassifier, DummyRegressor } from '../../src/dummy/dummy.js';

const X = Array.from({ length: 30 }, (_, i) => [i % 7, (i * 3) % 5, i / 10]);
const yc = X.map((_, i) => (i % 3 === 0 ? 'a' : 'b'));
const yr = X.map((_, i) => i * 0.5);

checkEstimator('DummyClassifier(stratified)', { make: (p) => new DummyClassifier({ strategy: 'stratified', ...p }), X, y: yc });
checkEstimator('DummyRegressor', { make: (p) => new DummyRegressor({ strategy: 'median', ...p }), X, y: yr });
