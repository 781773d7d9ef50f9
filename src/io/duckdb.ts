/**
 * Node-only I/O on DuckDB: CSV, Parquet, JSON and SQL into the typed columnar `Table`.
 * Numeric columns arrive as Float64Array (NaN for NULL) straight from DuckDB's vectors; no
 * per-row JS objects are built for them. Strings are dictionary-encoded once per value.
 *
 * Each reader runs on a connection of its own (see connection.ts), file paths are bound as
 * glob-escaped literals and every option is type-checked and quoted (see source.ts).
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { DataError, IOError, InvalidParameterError } from '../core/errors.js';
import { blockColumns, Table, type Column, type ColumnKind, type NumberColumn } from '../core/table.js';
import { connection, withConnection } from './connection.js';
import { parquetRanges, readRanges } from './parallel.js';
import { decodeParquetMatrix } from './parquet/reader.js';
import { bindFile, optBool, optChar, optStrings, sqlIdent, sqlString, type BoundFile } from './source.js';
import { copyNumbers, copyRows, DIRECT, kindOf, projection, readStrings, streamInto } from './vectors.js';

export { connection, closeConnection, openConnectionCount } from './connection.js';
export { sqlString, sqlIdent, escapeGlob } from './source.js';
export { streamMatrix, type StreamOptions } from './stream.js';

export interface ReadOptions {
  /** Force column kinds, e.g. `{ zip: 'categorical', age: 'numeric' }` (numeric uses TRY_CAST: unparsable values become NaN). */
  types?: Record<string, ColumnKind>;
  /** Only these columns, in this order. */
  columns?: string[];
  /** Treat the path as a glob pattern (`data/*.csv`); default false: the path names one file, read literally. */
  glob?: boolean;
}

export interface ReadCsvOptions extends ReadOptions {
  /** Header row present (default: auto-detected by DuckDB). */
  header?: boolean;
  /** Field delimiter, one character (default: auto-detected). */
  delimiter?: string;
  /** Quote character (default '"', RFC 4180; '' for none). */
  quote?: string;
  /** Strings that mean "missing" in addition to the empty field, e.g. ['?', 'NA']. */
  missing?: string[];
  /**
   * Lines to skip before the header (default 0). Fixed rather than sniffed: DuckDB's sniffer would
   * otherwise take the lines before a ragged row for a preamble and drop them without a word.
   */
  skip?: number;
}

const KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'boolean', 'date'];

function checkReadOptions(opts: unknown, owner: string): ReadOptions {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidParameterError('options', 'an options object', opts, owner);
  const o = opts as ReadOptions;
  optStrings(o.columns, 'columns', owner, true);
  optBool(o.glob, 'glob', owner);
  if (o.types !== undefined) {
    if (o.types === null || typeof o.types !== 'object' || Array.isArray(o.types)) throw new InvalidParameterError('types', 'an object mapping column names to kinds', o.types, owner);
    for (const [col, kind] of Object.entries(o.types)) {
      if (!KINDS.includes(kind)) throw new InvalidParameterError('types', `one of ${KINDS.map((k) => `'${k}'`).join(', ')} for column ${JSON.stringify(col)}`, kind, owner);
    }
  }
  return o;
}

/** The kind forced by `types` for a column (own keys only: a column named "constructor" is not special). */
function forced(types: Record<string, ColumnKind> | undefined, name: string): ColumnKind | undefined {
  return types && Object.prototype.hasOwnProperty.call(types, name) ? types[name] : undefined;
}

/** Is the file empty or only whitespace? (reads at most 64 KiB) */
function isBlankFile(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  if (size > 1 << 16) return false;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return buf.toString('utf8').trim() === '';
  } finally {
    closeSync(fd);
  }
}

/** Read a CSV file into a Table. Types are sniffed by DuckDB; override with `types`. */
export async function readCsv(path: string, opts: ReadCsvOptions = {}): Promise<Table> {
  const owner = 'readCsv';
  checkReadOptions(opts, owner);
  const header = optBool(opts.header, 'header', owner);
  const delim = optChar(opts.delimiter, 'delimiter', owner);
  const quote = optChar(opts.quote, 'quote', owner, true) ?? '"';
  const missing = optStrings(opts.missing, 'missing', owner);
  const skip = opts.skip ?? 0;
  if (!Number.isSafeInteger(skip) || skip < 0) throw new InvalidParameterError('skip', 'an integer >= 0', skip, owner);
  const file = bindFile(path, owner, opts);
  try {
    if (!opts.glob && isBlankFile(file.path)) throw new DataError('file', 'a CSV file with at least a header line', 'an empty file', owner);
    const args = [file.literal, `quote = ${sqlString(quote)}`, 'allow_quoted_nulls = false', `skip = ${skip}`];
    if (quote) args.push(`escape = ${sqlString(quote)}`);
    if (header !== undefined) args.push(`header = ${header ? 'true' : 'false'}`);
    if (delim !== undefined) args.push(`delim = ${sqlString(delim)}`);
    if (missing?.length) args.push(`nullstr = [${['', ...missing].map(sqlString).join(', ')}]`);
    // forced numeric/categorical columns are read as text by DuckDB (then cast exactly once), so
    // the sniffer cannot turn "01234" into 1234 or -0 into 0 first
    const asText = Object.entries(opts.types ?? {}).filter(([, k]) => k === 'numeric' || k === 'categorical');
    if (asText.length) args.push(`types = {${asText.map(([c]) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`);
    return await withConnection(async (con) => {
      let table: Table;
      try {
        table = await readSource(con, `read_csv(${args.join(', ')})`, path, owner, opts);
      } catch (e) {
        const unknown = /Columns? with names?: (.*?) do(es)? not exist/i.exec((e as Error).message)?.[1];
        if (unknown) throw new DataError('types', 'names of existing columns', `unknown column ${unknown}`, owner);
        // a dialect DuckDB could not sniff (ragged rows, an unterminated quote): ask DuckDB's
        // strict parser for the line, with the dialect the caller gave
        if (delim !== undefined && quote && e instanceof IOError && /sniff|dialect/i.test(e.message)) await diagnoseCsv(con, file, path, delim, quote, skip, owner);
        throw e;
      }
      if (table.nCols === 1 && delim === undefined && quote && !opts.glob) {
        // the sniffer falls back to one text column when no delimiter fits every line: if the
        // first line (the header, or the first cell without one) holds a usual delimiter, re-read
        // strictly with it to find the offending line
        const col = table.columns[0]!;
        const first = header === false ? (col.kind === 'categorical' && col.codes[0]! >= 0 ? col.labels[col.codes[0]!]! : '') : col.name;
        const cand = [',', ';', '\t', '|'].find((c) => first.includes(c));
        if (cand) await diagnoseCsv(con, file, path, cand, quote, skip, owner);
      }
      return table;
    });
  } finally {
    file.cleanup();
  }
}

/**
 * Read the file with an explicit dialect and DuckDB's strict parser (all columns as text):
 * throws a DataError naming the line DuckDB reports (ragged row, unterminated quote). Returns
 * quietly when the file parses (then the sniffed reading stands).
 */
async function diagnoseCsv(con: DuckDBConnection, file: BoundFile, path: string, delim: string, quote: string, skip: number, owner: string): Promise<void> {
  const base = `${file.literal}, skip = ${skip}, delim = ${sqlString(delim)}, quote = ${sqlString(quote)}, escape = ${sqlString(quote)}, auto_detect = false, strict_mode = true, max_line_size = 10000000`;
  // DuckDB's strict parser with all-text columns: line 1 fixes the number of fields (its error
  // reports at least one more field than expected, so step up until line 1 parses); the first
  // error on a later line is the one to report
  let k = 1;
  for (;;) {
    const cols = Array.from({ length: k }, (_, i) => `${sqlString(`c${i}`)}: 'VARCHAR'`).join(', ');
    try {
      await con.runAndReadAll(`SELECT count(*) FROM read_csv(${base}, header = false, columns = {${cols}})`);
      return; // parses strictly: the sniffed reading stands
    } catch (e) {
      const m = /CSV Error on Line: 1\b[\s\S]*?Expected Number of Columns: \d+ Found: (\d+)/.exec((e as Error).message);
      if (m && k < 4096) { k = Math.max(k + 1, Number(m[1])); continue; }
      const err = csvError(e, path, owner);
      if (err) throw err;
      return;
    }
  }
}

/** A DataError for DuckDB's CSV parse / conversion errors (naming the line), or null for other errors. */
function csvError(e: unknown, path: string, owner: string): DataError | null {
  const msg = (e as Error).message ?? String(e);
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  if (!line && !/Conversion Error|Could not convert/i.test(msg)) return null;
  const lines = msg.split('\n').map((s) => s.trim());
  const stop = lines.findIndex((s) => /^Possible (fixes|Solution)/i.test(s));
  const before = (stop < 0 ? lines : lines.slice(0, stop)).filter((s) => s && !/^Original Line/.test(s));
  const conv = before.find((s) => /Error when converting|Could not convert/.test(s));
  const reason = conv ?? (before.length > 1 ? before[before.length - 1]! : (before[0] ?? msg).replace(/^[A-Za-z ]+Error: /, ''));
  const hint = conv && /auto-detected/.test(msg) ? '; the column type was sniffed from the first rows: set it with the types option or fix the cell' : '';
  return new DataError('file', 'a well-formed CSV file', `${reason}${line ? ` on line ${line}` : ''} of ${JSON.stringify(path)}${hint}`, owner);
}

/** Read a Parquet file into a Table. */
export async function readParquet(path: string, opts: ReadOptions = {}): Promise<Table> {
  const owner = 'readParquet';
  checkReadOptions(opts, owner);
  const file = bindFile(path, owner, opts);
  try {
    if (!opts.glob && opts.types === undefined) {
      // a flat file of plain numbers: our own decoder (io/parquet/) fills the row-major block on
      // every thread of the pool; null (text, dates, booleans, zstd, ...): through DuckDB below
      const own = decodeParquetMatrix(path, opts.columns, null, owner);
      if (own) return new Table(blockColumns(own.X.data, own.X.rows, own.featureNames.map((name, j) => ({ kind: own.kinds[j]!, name }))));
    }
    return await withConnection((con) => readSource(con, `read_parquet(${file.literal})`, path, owner, opts));
  } finally {
    file.cleanup();
  }
}

/** Read a JSON (array of objects) or newline-delimited JSON file into a Table. */
export async function readJson(path: string, opts: ReadOptions = {}): Promise<Table> {
  const owner = 'readJson';
  checkReadOptions(opts, owner);
  const file = bindFile(path, owner, opts);
  try {
    return await withConnection((con) => readSource(con, `read_json_auto(${file.literal})`, path, owner, opts));
  } finally {
    file.cleanup();
  }
}

const QUERY_START = /^(select|with|from|values|table|pivot|unpivot|describe|show|summarize)\b/i;

/**
 * Run a SQL query on the in-memory DuckDB (files can be read inline: `FROM 'data.csv'`) and
 * return the result as a Table. Statements that return no rows (CREATE, COPY) return an empty
 * Table. Runs on the session connection, so tables and settings persist between calls.
 */
export async function query(sql: string, opts: ReadOptions = {}): Promise<Table> {
  if (typeof sql !== 'string' || !sql.trim()) throw new InvalidParameterError('sql', 'a non-empty SQL string', sql, 'query');
  checkReadOptions(opts, 'query');
  const trimmed = sql.trim().replace(/;\s*$/, '');
  const con = await connection();
  if (!QUERY_START.test(trimmed) && !/^\(/.test(trimmed)) {
    try {
      await con.run(trimmed);
    } catch (e) {
      throw new DataError('sql', 'a valid DuckDB statement', (e as Error).message, 'query');
    }
    return new Table([]);
  }
  return readSource(con, `(${trimmed})`, null, 'query', opts);
}

export interface Described { name: string; type: string }

/** Column names and DuckDB types of `source` (a table function call or a parenthesised query). */
export async function describe(con: DuckDBConnection, source: string, path: string | null, owner: string): Promise<Described[]> {
  try {
    const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    return r.getRowObjectsJS().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
  } catch (e) {
    throw sourceError(e, path, owner);
  }
}

/** Map a DuckDB error to a typed one: CSV/conversion problems -> DataError (with the line), else IOError (file) or DataError (query). */
export function sourceError(e: unknown, path: string | null, owner: string): Error {
  if (path) {
    const data = csvError(e, path, owner);
    if (data) return data;
    const msg = ((e as Error).message ?? String(e)).split('\n')[0]!;
    return new IOError(path, `${owner}: cannot read this file (${msg})`);
  }
  return new DataError('sql', 'a valid DuckDB query', ((e as Error).message ?? String(e)).split('\n')[0]!, owner);
}

async function readSource(con: DuckDBConnection, source: string, path: string | null, owner: string, opts: ReadOptions): Promise<Table> {
  const fail = (e: unknown): never => { throw sourceError(e, path, owner); };
  // files: the row count first (Parquet: from the metadata), then one streamed pass straight into
  // preallocated columns; only a query (which could give different rows when run twice) is
  // materialised by DuckDB first
  if (path !== null) return readFileStreamed(con, source, path, owner, opts);
  let names: string[];
  let duckTypes: string[];
  let kinds: ColumnKind[];
  let chunks: DuckDBDataChunk[] | null = null;
  if (!opts.columns && !opts.types) {
    // Fast path: one scan; DuckDB's own types decide, and only exotic types (dates, decimals)
    // need a second, casting query.
    try {
      const result = await con.run(`SELECT * FROM ${source}`);
      names = result.columnNames();
      duckTypes = result.columnTypes().map(String);
      kinds = duckTypes.map(kindOf);
      if (duckTypes.every((t, j) => DIRECT.test(t) || kinds[j] === 'categorical' && t === 'VARCHAR')) chunks = await result.fetchAllChunks();
    } catch (e) {
      return fail(e);
    }
  } else {
    ({ names, duckTypes, kinds } = await resolveColumns(con, source, path, owner, opts));
  }
  if (!chunks) {
    try {
      chunks = await (await con.run(selectSql(source, names, kinds, duckTypes))).fetchAllChunks();
    } catch (e) {
      return fail(e);
    }
  }
  let n = 0;
  for (const ch of chunks) n += ch.rowCount;
  const columns: Column[] = names.map((name, j) => {
    const kind = kinds[j]!;
    if (kind === 'categorical') return readStrings(name, chunks!, j, n);
    const values = new Float64Array(n);
    let off = 0;
    for (const ch of chunks!) {
      copyNumbers(ch.getColumnVector(j), ch.rowCount, values, off);
      off += ch.rowCount;
    }
    return { kind, name, values } as Column;
  });
  return new Table(columns);
}

/** Names, DuckDB types and column kinds of a source after `columns` / `types`. */
async function resolveColumns(con: DuckDBConnection, source: string, path: string | null, owner: string, opts: ReadOptions): Promise<{ names: string[]; duckTypes: string[]; kinds: ColumnKind[] }> {
  const schema = await describe(con, source, path, owner);
  const byName = new Map(schema.map((s) => [s.name, s]));
  const names = opts.columns ?? schema.map((s) => s.name);
  for (const c of [...names, ...Object.keys(opts.types ?? {})]) {
    if (!byName.has(c)) throw new DataError('columns', `names of existing columns (${schema.map((s) => JSON.stringify(s.name)).join(', ')})`, `unknown column ${JSON.stringify(c)}`, owner);
  }
  const duckTypes = names.map((n) => byName.get(n)!.type);
  const kinds = names.map((n, j) => forced(opts.types, n) ?? kindOf(duckTypes[j]!));
  return { names, duckTypes, kinds };
}

/** The SELECT that reads the columns as their kinds need (direct types unchanged, the rest cast). */
function selectSql(source: string, names: readonly string[], kinds: readonly ColumnKind[], duckTypes: readonly string[]): string {
  const direct = names.every((_, k) => DIRECT.test(duckTypes[k]!) && kinds[k] !== 'categorical' && kindOf(duckTypes[k]!) === kinds[k] || kinds[k] === 'categorical' && duckTypes[k] === 'VARCHAR');
  return `SELECT ${names.map((n, k) => (direct ? sqlIdent(n) : `${projection(n, kinds[k]!, duckTypes[k]!)} AS ${sqlIdent(n)}`)).join(', ')} FROM ${source}`;
}

/** Tuning (exported for tests): files with up to `maxCols` number columns read each row's numbers as one DOUBLE[m] array. */
export const blockRead = { maxCols: 4096 };

/**
 * A file read in one streamed pass: `count(*)` first (free for Parquet, whose footer holds it; a
 * parallel parse for CSV/JSON), then DuckDB's 2,048-row chunks copied straight into preallocated
 * arrays (strings dictionary-encoded as they arrive), so the peak is the values themselves plus
 * one chunk: no materialised DuckDB result, no list of chunks, no per-value JS objects.
 *
 * The numeric, boolean and date columns all go into ONE row-major n x m Float64Array block
 * (core/table.ts blockColumns): each row's numbers are selected as one `DOUBLE[m]` array, whose
 * child vector is the chunk already row-major, so one block copy per chunk (as in readMatrix), and
 * `toMatrix` of those columns is the block itself, without a second copy. Files with more than
 * `blockRead.maxCols` number columns scatter column by column into the block; more than 2^32 values
 * (beyond one Float64Array) fall back to one Float64Array per column.
 */
async function readFileStreamed(con: DuckDBConnection, source: string, path: string, owner: string, opts: ReadOptions): Promise<Table> {
  const fail = (e: unknown): never => { throw sourceError(e, path, owner); };
  const { names, duckTypes, kinds } = await resolveColumns(con, source, path, owner, opts);
  let n: number;
  try {
    const r = await con.runAndReadAll(`SELECT count(*) AS n FROM ${source}`);
    n = Number(r.getRows()[0]![0]);
  } catch (e) {
    return fail(e);
  }
  const d = names.length;
  const numIdx = kinds.flatMap((k, j) => (k === 'categorical' ? [] : [j]));
  const catIdx = kinds.flatMap((k, j) => (k === 'categorical' ? [j] : []));
  const m = numIdx.length;
  const useBlock = m >= 1 && n * m <= 2 ** 32;
  const rowArrays = useBlock && m <= blockRead.maxCols;
  const block = useBlock ? new Float64Array(n * m) : null;
  const values: (Float64Array | null)[] = kinds.map((k) => (k === 'categorical' || useBlock ? null : new Float64Array(n)));
  const codes: (Int32Array | null)[] = kinds.map((k) => (k === 'categorical' ? new Int32Array(n) : null));
  const dicts = kinds.map((k) => (k === 'categorical' ? { index: new Map<string, number>(), labels: [] as string[] } : null));
  // the SELECT: with row arrays, [numbers as DOUBLE[m]] then the text columns; else every column
  // in file order (selectSql)
  const select = (from: string): string => {
    if (!rowArrays) return selectSql(from, names, kinds, duckTypes);
    const arr = `CAST([${numIdx.map((j) => projection(names[j]!, kinds[j]!, duckTypes[j]!)).join(', ')}] AS DOUBLE[${m}]) AS deepmine_block`;
    return `SELECT ${[arr, ...catIdx.map((j) => projection(names[j]!, kinds[j]!, duckTypes[j]!))].join(', ')} FROM ${from}`;
  };
  // result column of file column j
  const resultCol = new Int32Array(d);
  if (rowArrays) catIdx.forEach((j, k) => { resultCol[j] = 1 + k; });
  else for (let j = 0; j < d; j++) resultCol[j] = j;
  let tmp = new Float64Array(2048);
  const copyNumbers_ = (ch: DuckDBDataChunk, row: number): void => {
    const cnt = ch.rowCount;
    if (rowArrays) { copyRows(ch.getColumnVector(0), cnt, m, block!, row * m); return; }
    for (let k = 0; k < m; k++) {
      const j = numIdx[k]!;
      if (!block) { copyNumbers(ch.getColumnVector(j), cnt, values[j]!, row); continue; }
      if (tmp.length < cnt) tmp = new Float64Array(cnt);
      copyNumbers(ch.getColumnVector(j), cnt, tmp, 0);
      for (let i = 0, at = row * m + k; i < cnt; i++, at += m) block[at] = tmp[i]!;
    }
  };
  const build = (rows: number): Table => {
    const blockCols = block ? blockColumns(rows === n ? block : block.slice(0, rows * m), rows, numIdx.map((j) => ({ kind: kinds[j] as NumberColumn['kind'], name: names[j]! }))) : null;
    return new Table(names.map((name, j): Column => {
      const kind = kinds[j]!;
      if (kind === 'categorical') return { kind, name, codes: rows === n ? codes[j]! : codes[j]!.slice(0, rows), labels: dicts[j]!.labels };
      if (blockCols) return blockCols[numIdx.indexOf(j)]!;
      return { kind, name, values: rows === n ? values[j]! : values[j]!.slice(0, rows) } as Column;
    }));
  };
  const ranges = catIdx.length ? null : await parquetRanges(con, source, names, n, opts.glob);
  if (ranges) {
    // a large Parquet file of numbers: several row ranges streamed at once (io/parallel.ts)
    try {
      await readRanges(ranges.bounds, (lo, hi) => select(ranges.from(lo, hi)), copyNumbers_, path, owner);
    } catch (e) {
      if (e instanceof IOError || e instanceof DataError) throw e;
      return fail(e);
    }
    return build(n);
  }
  let off: number;
  try {
    off = await streamInto(con, select(source), n, path, owner, (ch, row) => {
      copyNumbers_(ch, row);
      const cnt = ch.rowCount;
      for (const j of catIdx) {
        const vec = ch.getColumnVector(resultCol[j]!);
        const out = codes[j]!, dict = dicts[j]!;
        for (let i = 0; i < cnt; i++) {
          const v = vec.getItem(i) as string | null;
          if (v === null) { out[row + i] = -1; continue; }
          let c = dict.index.get(v);
          if (c === undefined) { c = dict.labels.length; dict.index.set(v, c); dict.labels.push(v); }
          out[row + i] = c;
        }
      }
    });
  } catch (e) {
    if (e instanceof IOError || e instanceof DataError) throw e;
    return fail(e);
  }
  return build(off);
}
