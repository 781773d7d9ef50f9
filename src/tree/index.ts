export {
  DecisionTreeClassifier, DecisionTreeRegressor, computeImportances, r2Score,
  type DecisionTreeClassifierParams, type DecisionTreeClassifierState, type DecisionTreeRegressorParams, type DecisionTreeRegressorState, type PruningPath,
} from './cart.js';
export { exportText, treeToRules, rulesToText, type Rule, type RuleCondition, type ExportTextOptions } from './export.js';
export { type TreeArrays, type SplitterName } from './splitter.js';
