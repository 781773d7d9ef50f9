export {
  DecisionTreeClassifier, DecisionTreeRegressor, computeImportances,
  type DecisionTreeClassifierParams, type DecisionTreeClassifierState, type DecisionTreeRegressorParams, type DecisionTreeRegressorState, type PruningPath,
} from './cart.js';
export { exportText, treeToRules, rulesToText, treeLayout, type Rule, type RuleCondition, type ExportTextOptions, type FittedTreeLike, type LayoutNode, type LayoutLink } from './export.js';
export { RandomForestClassifier, RandomForestRegressor, type RandomForestClassifierParams, type RandomForestRegressorParams, type RandomForestClassifierState, type RandomForestRegressorState } from './forest.js';
export { type TreeArrays, type SplitterName } from './splitter.js';
