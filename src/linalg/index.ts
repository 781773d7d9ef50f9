/** Dense linear algebra on row-major Float64Array / Matrix: BLAS-style products, factorizations, eigh, SVD. */
export { gemm, gemv, matmul, syrk, PARALLEL_MIN_WORK, type Offsets } from './blas.js';
export { cholesky, choleskySolve, inv, lu, qr, solve, type LUResult, type QRResult } from './factor.js';
export { eigh, type EighResult } from './eigh.js';
export { randomizedRangeFinder, randomizedSvd, svd, svdFlip, type PowerIterationNormalizer, type RandomizedSvdOptions, type SVDResult } from './svd.js';
export { columnMeans, correlation, covariance } from './covariance.js';
export { linalgThreads, registerKernel, runTasks, setLinalgThreads, sharedFloat64, type KernelTask } from './threads.js';
export { linalgBackend, setLinalgBackend, wasmAvailable, type LinalgBackend } from './wasm.js';
export { sgemm, SGEMM_KC } from './sgemm.js';
