/**
 * Pipeline + grid search on categorical data (the UCI mushroom Table).
 * Run: node --import tsx examples/pipeline-search.ts
 *
 * Steps: split a Table of string columns, build a ColumnTransformer (impute the column with
 * missing values, one-hot encode everything), chain it with a DecisionTreeClassifier in a
 * Pipeline, tune maxDepth with GridSearchCV over StratifiedKFold, report on held-out rows.
 */
import {
  classificationReport, ColumnTransformer, DecisionTreeClassifier, GridSearchCV, loadDatasetAsync,
  OneHotEncoder, Pipeline, SimpleImputer, StratifiedKFold, trainTestSplit,
} from '../src/index.js';

// 1. Data: 8124 mushrooms x 22 categorical columns; 'stalk-root' has missing values ('?').
const { X, y, featureNames } = await loadDatasetAsync('mushroom');
const withMissing = featureNames.filter((name) => X.values(name).some((v) => v === null));
const complete = featureNames.filter((name) => !withMissing.includes(name));
console.log(`mushroom: ${X.nRows} rows, ${X.nCols} columns; missing values in: ${withMissing.join(', ')}`);

// 2. Hold out 25% of the rows, stratified on the edible/poisonous label (a Table splits like a Matrix).
const [XTrain, XTest, yTrain, yTest] = trainTestSplit(X, y, { testSize: 0.25, stratify: y, randomState: 0 });

// 3. Preprocessing: columns are chosen by name. The column with gaps is imputed with its most
//    frequent category before one-hot encoding; the others are one-hot encoded directly.
//    handleUnknown: 'ignore' keeps prediction working for categories unseen in a CV fold.
const preprocess = new ColumnTransformer([
  ['imputed', new Pipeline([
    ['impute', new SimpleImputer({ strategy: 'most_frequent' })],
    ['onehot', new OneHotEncoder({ handleUnknown: 'ignore' })],
  ]), withMissing],
  ['onehot', new OneHotEncoder({ handleUnknown: 'ignore' }), complete],
]);

// 4. The full model: preprocessing + a decision tree, one estimator to fit, search and save.
const pipe = new Pipeline([
  ['prep', preprocess],
  ['tree', new DecisionTreeClassifier({ randomState: 0 })],
]);

// 5. Grid search over the tree's depth (nested parameter name `step__param`), 5 stratified folds.
const search = new GridSearchCV(pipe, { tree__maxDepth: [1, 2, 3, 4, 6] }, {
  cv: new StratifiedKFold({ nSplits: 5, shuffle: true, randomState: 0 }),
  scoring: 'f1_macro',
}).fit(XTrain, yTrain);

console.log('maxDepth  mean f1_macro  rank');
search.cvResults.params.forEach((params, i) => {
  const depth = String(params.tree__maxDepth).padStart(8);
  console.log(`${depth}  ${search.cvResults.meanTestScore[i]!.toFixed(4).padStart(13)}  ${search.cvResults.rankTestScore[i]}`);
});
console.log('best params:', search.bestParams, 'best CV f1_macro:', search.bestScore.toFixed(4));

// 6. The refitted best pipeline, evaluated on the held-out 25%.
const best = search.bestEstimator as Pipeline;
const yPred = best.predict(XTest) as ArrayLike<string>;
console.log(`encoded features: ${(best.namedSteps.prep as ColumnTransformer).getFeatureNamesOut().length}`);
console.log('held-out classification report:');
console.log(classificationReport(yTest, Array.from(yPred)));
