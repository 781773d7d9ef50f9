/** Out-of-core numeric row blocks from DuckDB (Node only): `streamMatrix`. */
import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { Table, type Column } from '../core/table.js';
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { openDedicated, release, withConnection } from './connection.js';
import { describe, sourceError } from './duckdb.js';
import { bindFile, optBool, optChar, optStrings, sqlIdent, sqlString, type BoundFile } from './source.js';
import { chunkReleaser, copyNumbers, DIRECT, kindOf, projection, readStrings } from './vectors.js';

export interface StreamOptions {
  /** Rows per yielded block (default 65,536; DuckDB produces 2,048-row chunks underneath). */
  batchRows?: number;
  /**
   * Columns to read (default: every column). Each must be numeric, boolean (0/1) or a date
   * (epoch ms); a text column is a DataError naming it. NULL -> NaN.
   */
  columns?: string[];
  /**
   * What `source` is: `'file'` (a path, read literally) or `'query'` (SQL). Default: a path that
   * exists is a file (so `from.csv` or `(a).csv` is a file); otherwise text that starts like a
   * query (SELECT, WITH, FROM, VALUES, TABLE, '(') is SQL; otherwise the file is missing.
   */
  kind?: 'file' | 'query';
  /** Treat a file source as a glob pattern (default false). */
  glob?: boolean;
  /** CSV only: header row present (default auto-detected). */
  header?: boolean;
  /** CSV only: field delimiter (default auto-detected). */
  delimiter?: string;
  /** CSV only: strings read as missing besides the empty field, e.g. ['?', 'NA']. */
  missing?: string[];
}

const LOOKS_LIKE_SQL = /^\s*(select|with|from|values|table|\()/i;

/**
 * Stream a file or query as numeric row blocks without holding the whole result: the out-of-core
 * path for `IncrementalPCA.partialFit`, `MiniBatchKMeans.partialFit` and other streaming
 * estimators. `source` is a file path (CSV, Parquet, JSON by extension) or a SELECT query.
 *
 * Each stream runs on a DuckDB connection of its own, opened at the first block and closed when
 * the stream ends (or the loop exits early), so other queries and other streams running at the
 * same time cannot cut it short.
 *
 * @example
 * const ipca = new IncrementalPCA({ nComponents: 5 });
 * for await (const { X } of streamMatrix('big.parquet', { batchRows: 50_000 })) ipca.partialFit(X);
 */
export function streamMatrix(source: string, opts: StreamOptions = {}): AsyncGenerator<{ X: Matrix; columns: string[] }> {
  const holder: Holder = { con: null };
  const gen = stream(source, opts, holder);
  abandoned.register(gen, holder);
  return gen;
}

/** The stream's connection, reachable from the finalizer without keeping the generator alive. */
interface Holder { con: DuckDBConnection | null }

/** A stream dropped without finishing or `return()` releases its connection when collected. */
const abandoned = new FinalizationRegistry<Holder>((h) => { if (h.con) release(h.con); });

async function* stream(source: string, opts: StreamOptions, holder: Holder): AsyncGenerator<{ X: Matrix; columns: string[] }> {
  const owner = 'streamMatrix';
  if (typeof source !== 'string' || !source.trim()) throw new InvalidParameterError('source', 'a file path or a SELECT query', source, owner);
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, owner);
  const batchRows = opts.batchRows ?? 65536;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InvalidParameterError('batchRows', 'an integer >= 1', batchRows, owner);
  if (opts.kind !== undefined && opts.kind !== 'file' && opts.kind !== 'query') throw new InvalidParameterError('kind', "'file' or 'query'", opts.kind, owner);
  optStrings(opts.columns, 'columns', owner, true);
  optStrings(opts.missing, 'missing', owner);
  const header = optBool(opts.header, 'header', owner);
  const delim = optChar(opts.delimiter, 'delimiter', owner);
  const glob = optBool(opts.glob, 'glob', owner);
  const { from, file, isQuery } = resolveSource(source, opts, owner, header, delim, glob);
  const path = isQuery ? null : source;
  let con: DuckDBConnection | null = null;
  let pending: Promise<DuckDBDataChunk | null> | null = null;
  try {
    con = await openDedicated();
    holder.con = con;
    const schema = await describe(con, from, path, owner);
    const names = opts.columns ?? schema.map((s) => s.name);
    const typeOf = new Map(schema.map((s) => [s.name, s.type]));
    for (const c of names) {
      if (!typeOf.has(c)) throw new DataError('columns', `names of existing columns (${schema.map((s) => JSON.stringify(s.name)).join(', ')})`, `unknown column ${JSON.stringify(c)}`, owner);
      const t = typeOf.get(c)!;
      if (kindOf(t) === 'categorical') {
        throw new DataError('columns', 'numeric, boolean or date columns (choose them with { columns } or encode text first)', `column ${JSON.stringify(c)} of type ${t} (text)`, owner);
      }
    }
    const d = names.length;
    if (batchRows * d > 2 ** 27) throw new InvalidParameterError('batchRows', `at most ${Math.floor(2 ** 27 / d)} rows for ${d} columns (blocks of up to 1 GiB)`, batchRows, owner);
    const proj = names.map((n) => {
      const t = typeOf.get(n)!;
      const id = sqlIdent(n);
      // types the chunk copy converts itself are read as they are (a CAST in the query made the
      // 10M-row read of an INTEGER column several times slower)
      return kindOf(t) === 'date' ? `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)` : DIRECT.test(t) ? id : `CAST(${id} AS DOUBLE)`;
    });
    let result: DuckDBResult;
    try {
      result = await con.stream(`SELECT ${proj.join(', ')} FROM ${from}`);
    } catch (e) {
      throw sourceError(e, path, owner);
    }
    let buf = new Float64Array(batchRows * d);
    let rows = 0;
    let cols = new Float64Array(2048 * d); // the chunk, column by column
    // the next chunk is requested before this one is copied (and before a block is yielded), so
    // DuckDB produces it meanwhile; `finally` waits for it before the connection is released
    pending = result.fetchChunk();
    pending.catch(() => null);
    // DuckDB chunks hold native memory freed only when collected (vectors.ts `chunkReleaser`)
    const released = chunkReleaser();
    for (;;) {
      let chunk;
      try {
        chunk = await pending;
      } catch (e) {
        pending = null;
        throw sourceError(e, path, owner);
      }
      if (!chunk || chunk.rowCount === 0) { pending = null; break; }
      pending = result.fetchChunk();
      pending.catch(() => null);
      const cnt = chunk.rowCount;
      if (cols.length < cnt * d) cols = new Float64Array(cnt * d);
      for (let j = 0; j < d; j++) copyNumbers(chunk.getColumnVector(j), cnt, cols, j * cnt);
      released();
      let done = 0;
      while (done < cnt) {
        const take = Math.min(cnt - done, batchRows - rows);
        for (let j = 0; j < d; j++) {
          const base = j * cnt + done;
          for (let i = 0; i < take; i++) buf[(rows + i) * d + j] = cols[base + i]!;
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
  } finally {
    if (pending) await pending.catch(() => null);
    holder.con = null;
    if (con) release(con);
    file?.cleanup();
  }
}

/** The DuckDB FROM clause of a stream source (a file by extension, or a query). */
function resolveSource(source: string, opts: StreamOptions, owner: string, header: boolean | undefined, delim: string | undefined, glob: boolean | undefined): { from: string; file: BoundFile | null; isQuery: boolean } {
  const isQuery = opts.kind === 'query' || (opts.kind === undefined && !glob && !existsSync(source) && LOOKS_LIKE_SQL.test(source));
  let from: string;
  let file: BoundFile | null = null;
  if (isQuery) from = `(${source.trim().replace(/;\s*$/, '')})`;
  else {
    file = bindFile(source, owner, { glob });
    const ext = source.toLowerCase().replace(/\.(gz|zst)$/, '');
    if (ext.endsWith('.parquet')) from = `read_parquet(${file.literal})`;
    else if (ext.endsWith('.json') || ext.endsWith('.ndjson') || ext.endsWith('.jsonl')) from = `read_json_auto(${file.literal})`;
    else {
      const args = [file.literal, `quote = '"'`, `escape = '"'`, 'skip = 0'];
      if (header !== undefined) args.push(`header = ${header ? 'true' : 'false'}`);
      if (delim !== undefined) args.push(`delim = ${sqlString(delim)}`);
      if (opts.missing?.length) args.push(`nullstr = [${['', ...opts.missing].map(sqlString).join(', ')}]`, 'allow_quoted_nulls = false');
      from = `read_csv(${args.join(', ')})`;
    }
  }
  return { from, file, isQuery };
}

/** Options of {@link streamTable}. */
export interface StreamTableOptions extends Omit<StreamOptions, 'columns'> {
  /** Columns to read (default: every column), of any kind: text arrives dictionary-encoded per block. */
  columns?: string[];
}

/**
 * Stream a file or query as Table blocks of about `batchRows` rows (numeric, boolean and date
 * columns as Float64Array, text dictionary-encoded per block: a block's labels are its own). The
 * out-of-core path for one-pass statistics over every column kind (the streamed profile).
 *
 * @example
 * for await (const block of streamTable('big.parquet', { batchRows: 100_000 })) acc.add(block);
 */
export async function* streamTable(source: string, opts: StreamTableOptions = {}): AsyncGenerator<Table> {
  const owner = 'streamTable';
  if (typeof source !== 'string' || !source.trim()) throw new InvalidParameterError('source', 'a file path or a SELECT query', source, owner);
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, owner);
  const batchRows = opts.batchRows ?? 65536;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InvalidParameterError('batchRows', 'an integer >= 1', batchRows, owner);
  optStrings(opts.columns, 'columns', owner, true);
  optStrings(opts.missing, 'missing', owner);
  const { from, file, isQuery } = resolveSource(source, opts, owner, optBool(opts.header, 'header', owner), optChar(opts.delimiter, 'delimiter', owner), optBool(opts.glob, 'glob', owner));
  const path = isQuery ? null : source;
  let con: DuckDBConnection | null = null;
  try {
    con = await openDedicated();
    const schema = await describe(con, from, path, owner);
    const typeOf = new Map(schema.map((s) => [s.name, s.type]));
    const names = opts.columns ?? schema.map((s) => s.name);
    for (const c of names) if (!typeOf.has(c)) throw new DataError('columns', `names of existing columns (${schema.map((s) => JSON.stringify(s.name)).join(', ')})`, `unknown column ${JSON.stringify(c)}`, owner);
    const kinds = names.map((n) => kindOf(typeOf.get(n)!));
    let result: DuckDBResult;
    try {
      result = await con.stream(`SELECT ${names.map((n, k) => projection(n, kinds[k]!, typeOf.get(n)!)).join(', ')} FROM ${from}`);
    } catch (e) {
      throw sourceError(e, path, owner);
    }
    let chunks: DuckDBDataChunk[] = [];
    let rows = 0;
    const block = (): Table => new Table(names.map((name, j): Column => {
      const kind = kinds[j]!;
      if (kind === 'categorical') return readStrings(name, chunks, j, rows);
      const values = new Float64Array(rows);
      let off = 0;
      for (const ch of chunks) { copyNumbers(ch.getColumnVector(j), ch.rowCount, values, off); off += ch.rowCount; }
      return { kind, name, values } as Column;
    }));
    const released = chunkReleaser();
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw sourceError(e, path, owner);
      }
      if (!chunk || chunk.rowCount === 0) break;
      chunks.push(chunk);
      released();
      rows += chunk.rowCount;
      if (rows >= batchRows) {
        const t = block();
        chunks = [];
        rows = 0;
        yield t;
      }
    }
    if (rows > 0) yield block();
  } finally {
    if (con) release(con);
    file?.cleanup();
  }
}

/**
 * Rows of a file (Parquet: read from the footer, no scan; CSV/JSON: one parallel parse in DuckDB)
 * or of a query.
 */
export async function countRows(source: string, opts: Omit<StreamOptions, 'columns' | 'batchRows'> = {}): Promise<number> {
  const owner = 'countRows';
  if (typeof source !== 'string' || !source.trim()) throw new InvalidParameterError('source', 'a file path or a SELECT query', source, owner);
  const { from, file, isQuery } = resolveSource(source, opts, owner, optBool(opts.header, 'header', owner), optChar(opts.delimiter, 'delimiter', owner), optBool(opts.glob, 'glob', owner));
  try {
    return await withConnection(async (con) => {
      try {
        const r = await con.runAndReadAll(`SELECT count(*) AS n FROM ${from}`);
        return Number(r.getRows()[0]![0]);
      } catch (e) {
        throw sourceError(e, isQuery ? null : source, owner);
      }
    });
  } finally {
    file?.cleanup();
  }
}
