/**
 * `readMatrix`: a numeric file straight into the row-major feature Matrix (Node only), the lean
 * loading path of issue 18. `readParquet(path)` then `toMatrix(table)` necessarily holds the
 * Table's columns and the Matrix at the same time (2x the values at the peak); `readMatrix` counts
 * the rows (free for Parquet: the footer holds the count), allocates the n x d Float64Array once and
 * copies DuckDB's 2,048-row chunks into it as they stream: the peak is the values themselves plus
 * one chunk.
 */
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { DataError, InvalidParameterError, IOError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { withConnection } from './connection.js';
import { describe, sourceError } from './duckdb.js';
import { parquetRanges, readRanges } from './parallel.js';
import { decodeParquetMatrix, parquetDecoder } from './parquet/reader.js';
import { bindFile, optBool, optChar, optStrings, sqlIdent, sqlString } from './source.js';
import type { XY } from './toMatrix.js';
import { copyNumbers, copyRows, DIRECT, kindOf, streamInto } from './vectors.js';

/** Options of {@link readMatrix}. */
export interface ReadMatrixOptions {
  /** Feature columns, in this order (default: every column but the target). Each must be numeric, boolean (0/1) or a date (epoch ms). */
  columns?: string[];
  /** The target column (numbers, or labels for a text column); without it, y is null. A missing target value is a DataError naming the row. */
  target?: string | null;
  /** CSV only: header row present (default: auto-detected). */
  header?: boolean;
  /** CSV only: field delimiter (default: auto-detected). */
  delimiter?: string;
  /** CSV only: strings read as missing (NaN) besides the empty field. */
  missing?: string[];
}

const OWNER = 'readMatrix';

/**
 * The Parquet path's switch (A/B): `parquetDecoder.mode = 'duckdb'` (or env
 * DEEPMINE_PARQUET_DECODER=duckdb) reads Parquet through DuckDB; 'auto' (default) uses our own
 * decoder (io/parquet/) for the files it reads and DuckDB for the others. `parquetDecoder.last`
 * says which path the last Parquet readMatrix took.
 */
export { parquetDecoder };

/** Tuning (exported for tests): up to `maxCols` features are read as one DOUBLE[d] array per row. */
export const rowArrayRead = { maxCols: 4096 };

/** The DuckDB table function reading `path` (by extension: Parquet, JSON, else CSV) and its cleanup. */
export function fileSourceSql(path: string, owner: string, opts: { header?: boolean; delimiter?: string; missing?: string[] } = {}): { from: string; cleanup(): void } {
  const header = optBool(opts.header, 'header', owner);
  const delim = optChar(opts.delimiter, 'delimiter', owner);
  const missing = optStrings(opts.missing, 'missing', owner);
  const file = bindFile(path, owner);
  const ext = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  let from: string;
  if (ext.endsWith('.parquet')) from = `read_parquet(${file.literal})`;
  else if (ext.endsWith('.json') || ext.endsWith('.ndjson') || ext.endsWith('.jsonl')) from = `read_json_auto(${file.literal})`;
  else {
    const args = [file.literal, `quote = '"'`, `escape = '"'`, 'skip = 0', 'allow_quoted_nulls = false'];
    if (header !== undefined) args.push(`header = ${header ? 'true' : 'false'}`);
    if (delim !== undefined) args.push(`delim = ${sqlString(delim)}`);
    if (missing?.length) args.push(`nullstr = [${['', ...missing].map(sqlString).join(', ')}]`);
    from = `read_csv(${args.join(', ')})`;
  }
  return { from, cleanup: () => file.cleanup() };
}

/** Rows of a DuckDB source (`SELECT count(*)`: Parquet answers from its footer). */
export async function countRowsSql(con: DuckDBConnection, from: string, path: string | null, owner: string): Promise<number> {
  try {
    const r = await con.runAndReadAll(`SELECT count(*) AS n FROM ${from}`);
    return Number(r.getRows()[0]![0]);
  } catch (e) {
    throw sourceError(e, path, owner);
  }
}

/**
 * Read the numeric columns of a Parquet, CSV or JSON file into a row-major Matrix (and the target,
 * when named) in one streamed pass, at about the size of the values. Text feature columns are a
 * DataError naming them (use `readCsv` + `toMatrix` to one-hot encode them).
 *
 * @example
 * const { X, y, featureNames } = await readMatrix('big.parquet', { target: 'label' });
 */
export async function readMatrix(path: string, opts: ReadMatrixOptions = {}): Promise<XY> {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidParameterError('options', 'an options object', opts, OWNER);
  optStrings(opts.columns, 'columns', OWNER, true);
  const target = opts.target ?? null;
  if (target !== null && typeof target !== 'string') throw new InvalidParameterError('target', 'a column name', target, OWNER);
  const src = fileSourceSql(path, OWNER, opts);
  try {
    if (src.from.startsWith('read_parquet(')) {
      // our own decoder (io/parquet/) when it reads this file; null: through DuckDB as before
      const own = decodeParquetMatrix(path, opts.columns, target, OWNER);
      if (own) return own;
    }
    return await withConnection(async (con) => {
      const schema = await describe(con, src.from, path, OWNER);
      const typeOf = new Map(schema.map((s) => [s.name, s.type]));
      const known = (c: string, what: string) => {
        if (!typeOf.has(c)) throw new DataError(what, `names of existing columns (${schema.map((s) => JSON.stringify(s.name)).join(', ')})`, `unknown column ${JSON.stringify(c)}`, OWNER);
      };
      if (target !== null) known(target, 'target');
      const names = opts.columns ?? schema.map((s) => s.name).filter((n) => n !== target);
      for (const c of names) {
        known(c, 'columns');
        if (kindOf(typeOf.get(c)!) === 'categorical') {
          throw new DataError('columns', 'numeric, boolean or date feature columns (readCsv/readParquet + toMatrix one-hot encode text)', `column ${JSON.stringify(c)} of type ${typeOf.get(c)} (text)`, OWNER);
        }
      }
      const d = names.length;
      // Each row's features arrive as one DOUBLE[d] array (DuckDB's `[a, b, ...]::DOUBLE[d]`): its
      // child vector is the chunk's rows already laid out row-major, so DuckDB's threads do the
      // transposition and this thread copies one contiguous block per chunk. Very wide files (and
      // d = 0) fall back to one column per feature, scattered here with stride d.
      const asDouble = (c: string) => (kindOf(typeOf.get(c)!) === 'date' ? `CAST(epoch_ms(CAST(${sqlIdent(c)} AS TIMESTAMP)) AS DOUBLE)` : typeOf.get(c) === 'DOUBLE' ? sqlIdent(c) : `CAST(${sqlIdent(c)} AS DOUBLE)`);
      const rowArrays = d >= 1 && d <= rowArrayRead.maxCols;
      const proj = rowArrays
        ? [`CAST([${names.map(asDouble).join(', ')}] AS DOUBLE[${d}]) AS deepmine_row`]
        // types the chunk copy converts itself (DOUBLE, FLOAT, integers, BOOLEAN) are read as they are
        : names.map((c) => (kindOf(typeOf.get(c)!) === 'date' ? asDouble(c) : DIRECT.test(typeOf.get(c)!) ? sqlIdent(c) : `CAST(${sqlIdent(c)} AS DOUBLE)`));
      const tcol = proj.length;
      const textTarget = target !== null && kindOf(typeOf.get(target)!) === 'categorical';
      if (target !== null) proj.push(textTarget ? `CAST(${sqlIdent(target)} AS VARCHAR)` : kindOf(typeOf.get(target)!) === 'date' ? `CAST(epoch_ms(CAST(${sqlIdent(target)} AS TIMESTAMP)) AS DOUBLE)` : `CAST(${sqlIdent(target)} AS DOUBLE)`);
      const n = await countRowsSql(con, src.from, path, OWNER);
      if (n * d > 2 ** 32) throw new DataError('file', `at most ${2 ** 32} values (one Float64Array)`, `${n} rows x ${d} columns`, OWNER);
      const X = new Float64Array(n * d);
      const yNum = target !== null && !textTarget ? new Float64Array(n) : null;
      const yText: string[] | null = textTarget ? new Array<string>(n) : null;
      let tmp = new Float64Array(2048);
      let off = 0;
      /** copy one chunk whose first row is `row` (any order: each row has its place) */
      const copyChunk = (ch: DuckDBDataChunk, row: number) => {
        const cnt = ch.rowCount;
        if (rowArrays) {
          copyRows(ch.getColumnVector(0), cnt, d, X, row * d);
        } else {
          if (tmp.length < cnt) tmp = new Float64Array(cnt);
          for (let j = 0; j < d; j++) {
            copyNumbers(ch.getColumnVector(j), cnt, tmp, 0);
            for (let i = 0, at = row * d + j; i < cnt; i++, at += d) X[at] = tmp[i]!;
          }
        }
        if (yNum) copyNumbers(ch.getColumnVector(tcol), cnt, yNum, row);
        if (yText) {
          const vec = ch.getColumnVector(tcol);
          for (let i = 0; i < cnt; i++) {
            const v = vec.getItem(i) as string | null;
            if (v === null) throw new DataError('target', 'a column without missing values', `missing value at row ${row + i} of ${JSON.stringify(target)}`, OWNER);
            yText[row + i] = v;
          }
        }
      };
      const ranges = await parquetRanges(con, src.from, target === null ? names : [...names, target], n, false);
      try {
        if (ranges) {
          // a large Parquet file: several row ranges streamed at once (io/parallel.ts)
          await readRanges(ranges.bounds, (lo, hi) => `SELECT ${proj.join(', ')} FROM ${ranges.from(lo, hi)}`, copyChunk, path, OWNER);
          off = n;
        } else {
          off = await streamInto(con, `SELECT ${proj.join(', ')} FROM ${src.from}`, n, path, OWNER, copyChunk);
        }
      } catch (e) {
        if (e instanceof IOError || e instanceof DataError) throw e;
        throw sourceError(e, path, OWNER);
      }
      if (yNum) {
        for (let i = 0; i < off; i++) if (Number.isNaN(yNum[i]!)) throw new DataError('target', 'a column without missing values', `missing value at row ${i} of ${JSON.stringify(target)}`, OWNER);
      }
      const rows = off;
      return {
        X: new Matrix(rows === n ? X : X.slice(0, rows * d), rows, d),
        y: yNum ? (rows === n ? yNum : yNum.slice(0, rows)) : yText ? (rows === n ? yText : yText.slice(0, rows)) : null,
        featureNames: [...names],
      };
    });
  } finally {
    src.cleanup();
  }
}
