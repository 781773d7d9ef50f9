/**
 * deepmine/report (browser-safe, kept out of the main entry because it pulls vega in):
 * `analyze(table, options)` runs the whole pipeline as a registry of stages, `buildReport(result)`
 * turns the result into one self-contained HTML page with static SVG charts (Vega-Lite).
 * Writing the report to disk is `writeReport` in deepmine/node.
 */
export { analyze, analyzeWithContext, inferTask, tableHash, type AnalyzeRunOptions } from './analyze.js';
export { STAGE_NAMES, CONFIG_SCHEMA, resolveOptions, encodeTable, type FeatureSpec, type AnalyzeOptions, type ResolvedOptions, type AnalysisContext, type Stage, type StageName, type ProgressFn, type FittedModel } from './context.js';
export { STAGES, evaluate, evalLine, sampleRows, scaleColumns, imputeMedian } from './stages.js';
export { buildReport, type ReportOptions } from './html.js';
export { renderSvg, esc, CHART_VERSIONS } from './render.js';
export * from './charts.js';
export type * from './types.js';
