export { LogisticRegression, type LogisticRegressionParams, type LogisticRegressionState } from './logistic.js';
export { lbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveFn } from './lbfgs.js';
export { LinearRegression, Ridge, type LinearState } from './linear.js';
