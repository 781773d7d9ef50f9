/**
 * Worker-side task of the cross-validation engine (loaded by the worker pool, never imported by
 * the library itself). Importing the package entry registers every estimator kind for `loadModel`;
 * the pipeline and linear modules are imported explicitly as well.
 */
import '../index.js';
import '../pipeline/index.js';
import '../linear/index.js';
import { loadModel } from '../core/estimator.js';
import type { LabelsLike } from '../core/validation.js';
import { scorersFromSpecs } from './scoring.js';
import { fitAndScore, unshareData, type AnyEstimator, type CvJob, type CvJobResult } from './validation.js';

/** Fit and score one (candidate, fold) job; returns scores, times and (when asked) the fitted model's JSON. */
export function cvTask(job: CvJob): CvJobResult {
  const est = loadModel(job.estimator) as AnyEstimator;
  const X = unshareData(job.X);
  const y = unshareData(job.y) as LabelsLike | null;
  const r = fitAndScore(est, X, y, { train: job.train, test: job.test }, scorersFromSpecs(job.scoring), job);
  return { ...r, estimator: r.estimator ? r.estimator.toJSON() : undefined };
}
