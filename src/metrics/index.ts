/** Metrics: classification, ranking, regression, clustering, report and scorers. */
export * from './accuracy.js';
export {
  UndefinedMetricWarning, setMetricWarningHandler,
  confusionMatrix, precisionRecallFscoreSupport, precisionScore, recallScore, f1Score, fbetaScore, jaccardScore,
  balancedAccuracyScore, cohenKappaScore, matthewsCorrcoef, hammingLoss, zeroOneLoss, logLoss, brierScoreLoss, hingeLoss,
} from './classification.js';
export type { LabelArray, ZeroDivision, Average, ConfusionMatrixOptions, PRFOptions, PRFResult, ProbaLike } from './classification.js';
export { rocCurve, precisionRecallCurve, averagePrecisionScore, aucScore, rocAucScore, topKAccuracyScore } from './ranking.js';
export type { RocCurve, PrecisionRecallCurve, RocAucOptions } from './ranking.js';
export {
  meanSquaredError, rootMeanSquaredError, meanSquaredLogError, meanAbsoluteError, meanAbsolutePercentageError,
  medianAbsoluteError, r2Score, explainedVarianceScore, maxError, meanTweedieDeviance, meanPoissonDeviance, meanGammaDeviance,
} from './regression.js';
export type { TargetLike, MultiOutput, RegressionOptions } from './regression.js';
export { classificationReport } from './report.js';
export type { ReportRow, ClassificationReportDict, ClassificationReportOptions } from './report.js';
export { getScorer, getScorerNames, makeScorer } from './scorer.js';
export type { Scorer, ScorableEstimator, ResponseMethod } from './scorer.js';
export {
  silhouetteScore, silhouetteSamples, daviesBouldinScore, calinskiHarabaszScore, adjustedRandScore,
  mutualInfoScore, normalizedMutualInfoScore, adjustedMutualInfoScore, homogeneityCompletenessVMeasure,
  homogeneityScore, completenessScore, vMeasureScore, contingencyMatrix, type AverageMethod,
} from './cluster.js';
export { classifierScore, regressorScore } from './score.js';
export { linearSumAssignment, clusteringAccuracy, matchClusters } from './assignment.js';
export type { Assignment, CostMatrixLike, LinearSumAssignmentOptions, ClusterMatching } from './assignment.js';
