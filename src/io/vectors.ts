/** Copying DuckDB result vectors into deepmine columns (Node only). */
import type { DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
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

