/** Copying DuckDB result vectors into deepmine columns (Node only). */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IOError } from '../core/errors.js';
import type { Column, ColumnKind } from '../core/table.js';
import { sqlIdent } from './source.js';

export const NUMERIC_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)/;

export function kindOf(duckType: string): ColumnKind {
  if (NUMERIC_TYPES.test(duckType)) return 'numeric';
  if (duckType === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIMESTAMP)/.test(duckType)) return 'date';
  return 'categorical';
}

export function projection(name: string, kind: ColumnKind, duckType: string): string {
  const id = sqlIdent(name);
  switch (kind) {
    case 'numeric': return NUMERIC_TYPES.test(duckType) ? `CAST(${id} AS DOUBLE)` : `TRY_CAST(${id} AS DOUBLE)`;
    case 'boolean': return `CAST(CAST(${id} AS BOOLEAN) AS DOUBLE)`;
    case 'date': return `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)`;
    case 'categorical': return `CAST(${id} AS VARCHAR)`;
  }
}

/** DuckDB types whose vectors convert to float64 directly (no SQL cast). */
export const DIRECT = /^(DOUBLE|FLOAT|INTEGER|SMALLINT|TINYINT|BIGINT|UINTEGER|USMALLINT|UTINYINT|BOOLEAN)$/;

/**
 * Copy a numeric/boolean vector into `out` at `off`, NULL -> NaN. Reads the vector's typed array
 * directly when the binding exposes it (a private field of @duckdb/node-api, checked at run time),
 * otherwise falls back to `getItem`.
 */
export function copyNumbers(vec: DuckDBVector, count: number, out: Float64Array, off: number): void {
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

/**
 * Copy a DOUBLE[d] array vector (one row per item) into the row-major `out` at `off`: its child
 * vector holds the rows' values contiguously, so this is one block copy (NULL elements -> NaN).
 */
export function copyRows(vec: DuckDBVector, count: number, d: number, out: Float64Array, off: number): void {
  const child = (vec as unknown as { childData?: DuckDBVector }).childData;
  if (child) { copyNumbers(child, count * d, out, off); return; }
  for (let i = 0; i < count; i++) {
    const v = vec.getItem(i) as { items: readonly (number | null)[] } | null;
    for (let j = 0; j < d; j++) {
      const x = v ? v.items[j] : null;
      out[off + i * d + j] = x === null || x === undefined ? NaN : x;
    }
  }
}

export function readStrings(name: string, chunks: DuckDBDataChunk[], j: number, n: number): Column {
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


let minorGc: ((opts: { type: 'minor' }) => void) | null | undefined;

/** V8's collector, obtained once (`--expose-gc` set only while a fresh context picks it up), or null. */
function collector(): ((opts: { type: 'minor' }) => void) | null {
  if (minorGc !== undefined) return minorGc;
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return (minorGc = own as (opts: { type: 'minor' }) => void);
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    minorGc = typeof fn === 'function' ? (fn as (opts: { type: 'minor' }) => void) : null;
  } catch {
    minorGc = null;
  } finally {
    try { setFlagsFromString('--no-expose-gc'); } catch { /* ignore */ }
  }
  return minorGc;
}

/**
 * Every DuckDB data chunk handed to JavaScript owns ~2,048 rows of native memory that
 * `@duckdb/node-bindings` frees only in the chunk wrapper's finalizer, and V8 is not told about
 * that memory: a loop that fetches chunks and allocates little JavaScript of its own runs no
 * collection, so every chunk of a 10M-row read stays alive (+0.8 GB at 10M x 10) and DuckDB
 * keeps touching fresh pages. A young-generation collection every `every` chunks (well under a
 * millisecond: the wrappers are small and young) frees them while they are still young, and the
 * allocator reuses the same warm memory. Returns the function to call once per chunk.
 */
export function chunkReleaser(every = 16): () => void {
  const gc = collector();
  if (!gc) return () => {};
  let k = 0;
  return () => {
    if (++k % every === 0) gc({ type: 'minor' });
  };
}

/**
 * Stream `sql` into preallocated destinations: `copy(chunk, row)` receives every DuckDB chunk with
 * the index of its first row. The next chunk is requested before this one is copied (DuckDB
 * produces it meanwhile), chunks are released as they go (`chunkReleaser`), and more than `n` rows
 * (the file changed after it was counted) is an IOError. On any error the pending fetch is awaited
 * before rethrowing, so no fetch is left running on the connection. Returns the rows read.
 */
export async function streamInto(con: DuckDBConnection, sql: string, n: number, path: string, owner: string, copy: (ch: DuckDBDataChunk, row: number) => void): Promise<number> {
  const released = chunkReleaser();
  let pending: Promise<DuckDBDataChunk | null> | null = null;
  let off = 0;
  try {
    const result = await con.stream(sql);
    pending = result.fetchChunk();
    for (;;) {
      const ch = await pending;
      if (!ch || ch.rowCount === 0) break;
      pending = result.fetchChunk();
      pending.catch(() => null);
      if (off + ch.rowCount > n) throw new IOError(path, `${owner}: the file changed while it was read (more than the ${n} rows counted)`);
      copy(ch, off);
      off += ch.rowCount;
      released();
    }
  } catch (e) {
    await pending?.catch(() => null);
    throw e;
  }
  return off;
}
