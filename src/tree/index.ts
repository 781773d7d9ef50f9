export { DecisionTreeClassifier, computeImportances, type DecisionTreeClassifierParams, type DecisionTreeClassifierState } from './cart.js';
export { exportText, treeToRules, rulesToText, type Rule, type RuleCondition, type ExportTextOptions } from './export.js';
export { type TreeArrays } from './splitter.js';
