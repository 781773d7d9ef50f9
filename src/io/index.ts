export { readCsv, readParquet, readJson, query, connection, closeConnection, openConnectionCount, streamMatrix, type ReadOptions, type ReadCsvOptions, type StreamOptions } from './duckdb.js';
export { writeCsv, writeParquet, type WriteCsvOptions, type WriteParquetOptions } from './write.js';
export { toMatrix, type XY } from './toMatrix.js';
export { saveModel, loadModelFile, type Persistable, type SaveModelOptions } from './model.js';
export { readTransactions, fpGrowthFile, fpGrowthFileAsync, parseFimi, type ReadTransactionsOptions, type FileMineOptions } from './transactions.js';
export { writeFileAtomic, writeFileAtomicSync, AtomicWriter, commitTemp, prepareTarget, tempPathFor, toIOError, type AtomicWriteOptions, type WriteError } from './atomic.js';
export { readIdx, readIdxMatrix, parseIdx, type IdxArray, type IdxDtype, type IdxData } from './idx.js';
export { readMatrix, type ReadMatrixOptions } from './readMatrix.js';
export { streamTable, countRows, type StreamTableOptions } from './stream.js';
