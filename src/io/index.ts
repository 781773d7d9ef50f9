export { readCsv, readParquet, readJson, query, connection, closeConnection, streamMatrix, type ReadOptions, type ReadCsvOptions, type StreamOptions } from './duckdb.js';
export { writeCsv, writeParquet, type WriteCsvOptions } from './write.js';
export { toMatrix, type XY } from './toMatrix.js';
export { saveModel, loadModelFile, type Persistable } from './model.js';
export { readTransactions, fpGrowthFile, fpGrowthFileAsync, parseFimi, type ReadTransactionsOptions, type FileMineOptions } from './transactions.js';
export { readIdx, readIdxMatrix, parseIdx, type IdxArray, type IdxDtype, type IdxData } from './idx.js';
