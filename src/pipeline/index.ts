export { Pipeline, makePipeline, type PipelineParams, type Step } from './pipeline.js';
export { ColumnTransformer, makeColumnTransformer, type ColumnTransformerParams, type ColumnSelector, type TransformerSpec } from './columnTransformer.js';
