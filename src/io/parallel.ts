/**
 * Parquet files read as several row ranges at once (Node only). Four streams over disjoint
 * `file_row_number` ranges split at row-group starts (DuckDB prunes the row groups outside each
 * range) keep DuckDB's threads busy while JavaScript copies; each range writes at its own row
 * offset into the preallocated arrays, so the result is the sequential read's, row for row. Used
 * for single Parquet files of at least `minRows` rows without text columns (dictionary codes depend
 * on arrival order). Chunks are released as they are copied (vectors.ts `chunkReleaser`): without
 * that, one stream kept every chunk of the file alive and was the slower path. Measured after it
 * (docs/handoff/io3.md): at 10M x 10 one stream and four ranges are within noise, at 50M x 10 four
 * ranges are 1.1-1.8x faster.
 */
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { IOError } from '../core/errors.js';
import { openDedicated, release } from './connection.js';
import { chunkReleaser } from './vectors.js';

/** Tuning (exported for tests): files with at least `minRows` rows are read as `parts` ranges. */
export const parallelRead = { minRows: 1 << 20, parts: 4 };

/** Rows [lo, hi) of the file, as a FROM item. */
export type RangeSource = (lo: number, hi: number) => string;

/**
 * The ranged form of a single-file `read_parquet(...)` source and the range bounds, or null when
 * the file is read by one stream (a glob, a small file, another format, a column already named
 * file_row_number). The bounds fall on row-group starts (from `parquet_metadata`, the footer):
 * a range boundary inside a row group would have both neighbours decode that group.
 */
export async function parquetRanges(con: DuckDBConnection, source: string, names: readonly string[], n: number, glob: boolean | undefined): Promise<{ bounds: number[]; from: RangeSource } | null> {
  if (glob || n < parallelRead.minRows || parallelRead.parts < 2 || !/^read_parquet\(.*\)$/s.test(source) || names.includes('file_row_number')) return null;
  const literal = source.slice('read_parquet('.length, -1);
  const ranged = `${source.slice(0, -1)}, file_row_number = true)`;
  const from: RangeSource = (lo, hi) => `(SELECT * EXCLUDE (file_row_number) FROM ${ranged} WHERE file_row_number >= ${lo} AND file_row_number < ${hi}) AS deepmine_part`;
  const parts = Math.min(parallelRead.parts, n);
  let starts: number[] = [];
  try {
    const r = await con.runAndReadAll(`SELECT row_group_id, any_value(row_group_num_rows) AS rows FROM parquet_metadata(${literal}) GROUP BY row_group_id ORDER BY row_group_id`);
    let at = 0;
    for (const [, rows] of r.getRows()) { starts.push(at); at += Number(rows); }
    if (at !== n) starts = [];
  } catch {
    starts = [];
  }
  const bounds = [0];
  for (let p = 1; p < parts; p++) {
    const even = Math.floor((p * n) / parts);
    // the row-group start nearest to the even split (the even split itself without metadata)
    let b = even;
    if (starts.length) b = starts.reduce((best, s) => (Math.abs(s - even) < Math.abs(best - even) ? s : best), 0);
    if (b > bounds[bounds.length - 1]! && b < n) bounds.push(b);
  }
  bounds.push(n);
  return bounds.length > 2 ? { bounds, from } : null;
}

/**
 * Stream the ranges [bounds[p], bounds[p + 1]) at once, each on a dedicated connection, calling
 * `onChunk(chunk, firstRow)`. A range that yields more or fewer rows than counted is an
 * IOError (the file changed); the first error stops the other ranges, every connection is closed
 * and no fetch is left running before this rejects.
 */
export async function readRanges(bounds: readonly number[], selectOf: (lo: number, hi: number) => string, onChunk: (ch: DuckDBDataChunk, row: number) => void, path: string, owner: string): Promise<void> {
  const parts = bounds.length - 1;
  const n = bounds[parts]!;
  let stop = false;
  const released = chunkReleaser();
  const one = async (p: number): Promise<void> => {
    const lo = bounds[p]!, hi = bounds[p + 1]!;
    const con = await openDedicated();
    let pending: Promise<DuckDBDataChunk | null> | null = null;
    try {
      const result = await con.stream(selectOf(lo, hi));
      pending = result.fetchChunk();
      let row = lo;
      for (;;) {
        const ch = await pending;
        if (!ch || ch.rowCount === 0 || stop) break;
        // ask for the next chunk before copying this one: DuckDB produces it meanwhile
        pending = result.fetchChunk();
        pending.catch(() => null);
        if (row + ch.rowCount > hi) throw new IOError(path, `${owner}: the file changed while it was read (more rows in ${lo}..${hi} than the ${n} counted)`);
        onChunk(ch, row);
        row += ch.rowCount;
        released();
      }
      if (!stop && row !== hi) throw new IOError(path, `${owner}: the file changed while it was read (${row - lo} rows in ${lo}..${hi}, ${hi - lo} counted)`);
    } catch (e) {
      stop = true;
      throw e;
    } finally {
      await pending?.catch(() => null);
      release(con);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: parts }, (_, p) => one(p)));
  const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (bad) throw bad.reason;
}
