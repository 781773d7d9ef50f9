/**
 * Node-only I/O on DuckDB: CSV, Parquet, JSON and SQL into the typed columnar `Table`.
 * Numeric columns arrive as Float64Array (NaN for NULL) straight from DuckDB's vectors; no
 * per-row JS objects are built for them. Strings are dictionary-encoded once per value.
 */
import { existsSync, statSync } from 'node:fs';
import { DuckDBConnection, DuckDBInstance, type DuckDBDataChunk, type DuckDBVector } from '@duckdb/node-api';
import { DataError, IOError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Table, type Column, type ColumnKind } from '../core/table.js';

let shared: Promise<DuckDBConnection> | null = null;

/** The process-wide in-memory DuckDB connection used by the readers (created lazily). */
export async function connection(): Promise<DuckDBConnection> {
  shared ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return shared;
}

/** Close the shared connection (lets a CLI exit promptly). */
export async function closeConnection(): Promise<void> {
  if (!shared) return;
  const c = await shared;
  shared = null;
  c.closeSync();
}

export interface ReadOptions {
  /** Force column kinds, e.g. `{ zip: 'categorical', age: 'numeric' }` (numeric uses TRY_CAST: unparsable values become NaN). */
  types?: Record<string, ColumnKind>;
  /** Only these columns, in this order. */
  columns?: string[];
}

export interface ReadCsvOptions extends ReadOptions {
  /** Header row present (default: auto-detected by DuckDB). */
  header?: boolean;
  /** Field delimiter (default: auto-detected). */
  delimiter?: string;
  /** Strings that mean "missing" in addition to the empty field, e.g. ['?', 'NA']. */
  missing?: string[];
}

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function checkFile(path: string, owner: string): void {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidParameterError('path', 'a non-empty file path', path, owner);
  if (!existsSync(path)) throw new IOError(path, `${owner}: file not found`);
  if (statSync(path).isDirectory()) throw new IOError(path, `${owner}: expected a file, found a directory`);
}

/** Read a CSV file into a Table. Types are sniffed by DuckDB; override with `types`. */
export async function readCsv(path: string, opts: ReadCsvOptions = {}): Promise<Table> {
  checkFile(path, 'readCsv');
  const args = [sqlString(path)];
  if (opts.header !== undefined) args.push(`header = ${opts.header}`);
  if (opts.delimiter !== undefined) args.push(`delim = ${sqlString(opts.delimiter)}`);
  if (opts.missing?.length) args.push(`nullstr = [${['', ...opts.missing].map(sqlString).join(', ')}]`);
  return readSource(`read_csv(${args.join(', ')})`, path, 'readCsv', opts);
}

/** Read a Parquet file into a Table. */
export async function readParquet(path: string, opts: ReadOptions = {}): Promise<Table> {
  checkFile(path, 'readParquet');
  return readSource(`read_parquet(${sqlString(path)})`, path, 'readParquet', opts);
}

/** Read a JSON (array of objects) or newline-delimited JSON file into a Table. */
export async function readJson(path: string, opts: ReadOptions = {}): Promise<Table> {
  checkFile(path, 'readJson');
  return readSource(`read_json_auto(${sqlString(path)})`, path, 'readJson', opts);
}

/**
 * Run a SQL query on the in-memory DuckDB (files can be read inline: `FROM 'data.csv'`) and
 * return the result as a Table. Statements that return no rows (CREATE, COPY) return an empty Table.
 */
export async function query(sql: string, opts: ReadOptions = {}): Promise<Table> {
  if (typeof sql !== 'string' || !sql.trim()) throw new InvalidParameterError('sql', 'a non-empty SQL string', sql, 'query');
  const trimmed = sql.trim().replace(/;\s*$/, '');
  if (!/^(select|with|from|values|table|pivot|unpivot|describe|show|summarize)\b/i.test(trimmed) && !/^\(/.test(trimmed)) {
    const con = await connection();
    try {
      await con.run(trimmed);
    } catch (e) {
      throw new DataError('sql', 'a valid DuckDB statement', (e as Error).message, 'query');
    }
    return new Table([]);
  }
  return readSource(`(${trimmed})`, null, 'query', opts);
}

interface Described { name: string; type: string }

async function describe(con: DuckDBConnection, source: string, path: string | null, owner: string): Promise<Described[]> {
  try {
    const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    return r.getRowObjectsJS().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    if (path) throw new IOError(path, `${owner}: cannot read this file (${msg})`);
    throw new DataError('sql', 'a valid DuckDB query', msg, owner);
  }
}

const NUMERIC_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)/;

function kindOf(duckType: string): ColumnKind {
  if (NUMERIC_TYPES.test(duckType)) return 'numeric';
  if (duckType === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIMESTAMP)/.test(duckType)) return 'date';
  return 'categorical';
}

function projection(name: string, kind: ColumnKind, duckType: string): string {
  const id = sqlIdent(name);
  switch (kind) {
    case 'numeric': return NUMERIC_TYPES.test(duckType) ? `CAST(${id} AS DOUBLE)` : `TRY_CAST(${id} AS DOUBLE)`;
    case 'boolean': return `CAST(CAST(${id} AS BOOLEAN) AS DOUBLE)`;
    case 'date': return `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)`;
    case 'categorical': return `CAST(${id} AS VARCHAR)`;
  }
}

async function readSource(source: string, path: string | null, owner: string, opts: ReadOptions): Promise<Table> {
  const con = await connection();
  const fail = (e: unknown): never => {
    const msg = (e as Error).message.split('\n')[0]!;
    if (path) throw new IOError(path, `${owner}: cannot read this file (${msg})`);
    throw new DataError('sql', 'a valid DuckDB query', msg, owner);
  };
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
    const schema = await describe(con, source, path, owner);
    const byName = new Map(schema.map((s) => [s.name, s]));
    names = opts.columns ?? schema.map((s) => s.name);
    for (const c of [...names, ...Object.keys(opts.types ?? {})]) {
      if (!byName.has(c)) throw new DataError('columns', `names of existing columns (${schema.map((s) => s.name).join(', ')})`, `unknown column ${JSON.stringify(c)}`, owner);
    }
    duckTypes = names.map((n) => byName.get(n)!.type);
    kinds = names.map((n, j) => opts.types?.[n] ?? kindOf(duckTypes[j]!));
  }
  if (!chunks) {
    const sql = `SELECT ${names.map((n, k) => `${projection(n, kinds[k]!, duckTypes[k]!)} AS ${sqlIdent(n)}`).join(', ')} FROM ${source}`;
    try {
      chunks = await (await con.run(sql)).fetchAllChunks();
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

/** DuckDB types whose vectors convert to float64 directly (no SQL cast). */
const DIRECT = /^(DOUBLE|FLOAT|INTEGER|SMALLINT|TINYINT|BIGINT|UINTEGER|USMALLINT|UTINYINT|BOOLEAN)$/;

/**
 * Copy a numeric/boolean vector into `out` at `off`, NULL -> NaN. Reads the vector's typed array
 * directly when the binding exposes it (a private field of @duckdb/node-api, checked at run time),
 * otherwise falls back to `getItem`.
 */
function copyNumbers(vec: DuckDBVector, count: number, out: Float64Array, off: number): void {
  const internal = vec as unknown as { items?: unknown; validity?: { data?: BigUint64Array | null; offset?: number } };
  const items = internal.items;
  const vdata = internal.validity?.data;
  if (ArrayBuffer.isView(items) && !(items instanceof DataView) && (internal.validity?.offset ?? 0) === 0 && !(items instanceof Uint8Array)) {
    if (items instanceof Float64Array) out.set(items.subarray(0, count), off);
    else if (items instanceof BigInt64Array || items instanceof BigUint64Array) for (let i = 0; i < count; i++) out[off + i] = Number(items[i]!);
    else {
      const a = items as unknown as ArrayLike<number>;
      for (let i = 0; i < count; i++) out[off + i] = a[i]!;
    }
    if (vdata) {
      const words = new Uint32Array(vdata.buffer, vdata.byteOffset, vdata.length * 2);
      for (let w = 0; w < words.length; w++) {
        const bits = words[w]!;
        if (bits === 0xffffffff) continue;
        for (let b = 0; b < 32; b++) {
          const i = w * 32 + b;
          if (i >= count) break;
          if (!((bits >>> b) & 1)) out[off + i] = NaN;
        }
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const v = vec.getItem(i) as number | bigint | boolean | null;
    out[off + i] = v === null ? NaN : Number(v);
  }
}

function readStrings(name: string, chunks: DuckDBDataChunk[], j: number, n: number): Column {
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const labels: string[] = [];
  let off = 0;
  for (const ch of chunks) {
    const vec = ch.getColumnVector(j);
    for (let i = 0; i < ch.rowCount; i++) {
      const v = vec.getItem(i) as string | null;
      if (v === null) { codes[off + i] = -1; continue; }
      let c = index.get(v);
      if (c === undefined) { c = labels.length; index.set(v, c); labels.push(v); }
      codes[off + i] = c;
    }
    off += ch.rowCount;
  }
  return { kind: 'categorical', name, codes, labels };
}

export interface StreamOptions {
  /** Rows per yielded block (default 65,536; DuckDB produces 2,048-row chunks underneath). */
  batchRows?: number;
  /** Columns to read (default: every column); each is cast to DOUBLE (NULL and failed casts -> NaN). */
  columns?: string[];
}

/**
 * Stream a file or query as numeric row blocks without holding the whole result: the out-of-core
 * path for `IncrementalPCA.partialFit`, `MiniBatchKMeans.partialFit` and other streaming
 * estimators. `source` is a file path (CSV, Parquet, JSON by extension) or a SELECT query.
 *
 * @example
 * const ipca = new IncrementalPCA({ nComponents: 5 });
 * for await (const { X } of streamMatrix('big.parquet', { batchRows: 50_000 })) ipca.partialFit(X);
 */
export async function* streamMatrix(source: string, opts: StreamOptions = {}): AsyncGenerator<{ X: Matrix; columns: string[] }> {
  const owner = 'streamMatrix';
  if (typeof source !== 'string' || !source.trim()) throw new InvalidParameterError('source', 'a file path or a SELECT query', source, owner);
  const batchRows = opts.batchRows ?? 65536;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InvalidParameterError('batchRows', 'an integer >= 1', batchRows, owner);
  const isQuery = /^\s*(select|with|from|values|table|\()/i.test(source);
  let from: string;
  if (isQuery) from = `(${source.trim().replace(/;\s*$/, '')})`;
  else {
    if (!existsSync(source)) throw new IOError(source, `${owner}: file not found`);
    const ext = source.toLowerCase();
    from = ext.endsWith('.parquet') ? `read_parquet(${sqlString(source)})` : ext.endsWith('.json') || ext.endsWith('.ndjson') || ext.endsWith('.jsonl') ? `read_json_auto(${sqlString(source)})` : `read_csv_auto(${sqlString(source)})`;
  }
  const con = await connection();
  const schema = await describe(con, from, isQuery ? null : source, owner);
  const names = opts.columns ?? schema.map((s) => s.name);
  const known = new Set(schema.map((s) => s.name));
  for (const c of names) if (!known.has(c)) throw new DataError('columns', `names of existing columns (${[...known].join(', ')})`, `unknown column ${JSON.stringify(c)}`, owner);
  const d = names.length;
  const sql = `SELECT ${names.map((n) => `TRY_CAST(${sqlIdent(n)} AS DOUBLE)`).join(', ')} FROM ${from}`;
  let result;
  try {
    result = await con.stream(sql);
  } catch (e) {
    throw new DataError('source', 'a readable numeric source', (e as Error).message.split('\n')[0], owner);
  }
  let buf = new Float64Array(batchRows * d);
  let rows = 0;
  const col = new Float64Array(2048);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    let done = 0;
    while (done < chunk.rowCount) {
      const take = Math.min(chunk.rowCount - done, batchRows - rows);
      for (let j = 0; j < d; j++) {
        const cnt = chunk.rowCount;
        const tmp = cnt <= col.length ? col : new Float64Array(cnt);
        copyNumbers(chunk.getColumnVector(j), cnt, tmp, 0);
        for (let i = 0; i < take; i++) buf[(rows + i) * d + j] = tmp[done + i]!;
      }
      rows += take;
      done += take;
      if (rows === batchRows) {
        yield { X: new Matrix(buf, rows, d), columns: [...names] };
        buf = new Float64Array(batchRows * d);
        rows = 0;
      }
    }
  }
  if (rows > 0) yield { X: new Matrix(buf.slice(0, rows * d), rows, d), columns: [...names] };
}
