/**
 * Our own Parquet decoder for `readMatrix` (Node only): the common case of a flat file of DOUBLE,
 * FLOAT, INT32, INT64 (plain or INT/UINT annotated) and BOOLEAN columns, PLAIN / dictionary /
 * BYTE_STREAM_SPLIT / DELTA_BINARY_PACKED / RLE (booleans) encodings, data pages v1 and v2,
 * uncompressed or Snappy. Anything else (nested schemas, strings, dates, decimals, other codecs or
 * encodings, encrypted files) returns
 * null and the caller reads the file through DuckDB as before.
 *
 * The main thread reads the footer (Thrift compact protocol, thrift.ts) and plans one unit per row
 * group (its byte span and column chunks). The calling thread and the worker pool
 * (linalg/threads.ts) then take units one at a time (an atomic counter): each reads the unit's
 * span of the file itself (fs.readSync on the shared file descriptor, into a per-thread buffer)
 * and decodes its column chunks straight into the shared row-major output (kernel.ts). Memory:
 * the output plus, per thread, one row group's bytes and its decoded columns.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError, IOError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { linalgThreads, registerKernel, runTasks, sharedFloat64, type KernelTask } from '../../linalg/threads.js';
import type { XY } from '../toMatrix.js';
import { JOB, parquetDecodeKernel } from './kernel.js';
import { readStruct, ThriftError, type TStruct, type TValue } from './thrift.js';

registerKernel('parquetDecodeV1', parquetDecodeKernel as (...a: never[]) => void);
// the calling thread's task: decode with fs.readSync given as an argument (never sent to a worker)
function parquetMainTask(cb: () => void): void {
  cb();
}
registerKernel('parquetMainV1', parquetMainTask as (...a: never[]) => void);

/**
 * Tuning and A/B switch (exported for tests and benchmarks): `mode` 'auto' uses this decoder when
 * it can and DuckDB otherwise, 'duckdb' always DuckDB (also env DEEPMINE_PARQUET_DECODER=duckdb);
 * `threads` caps the decoding threads
 * (0: linalgThreads()). `last` records which path the last readMatrix of a Parquet file took and why.
 */
export const parquetDecoder = {
  mode: 'auto' as 'auto' | 'duckdb',
  threads: 0,
  last: { path: 'none' as 'none' | 'own' | 'duckdb', reason: '', readMs: 0, decodeMs: 0, threads: 0 },
};

const REASONS: Record<number, string> = {
  1: 'bad page header', 2: 'page header inconsistent with the column chunk', 3: 'bad Snappy data', 4: 'bad RLE/bit-packed levels or indices',
  5: 'page shorter than its values', 6: 'dictionary index width above 24 bits', 7: 'unknown page type', 8: 'unsupported value encoding',
  9: 'unsupported definition level encoding', 10: 'dictionary-encoded page without a dictionary', 11: 'dictionary index out of range', 12: 'decoder error',
  13: 'read failed (the file ended early or changed)', 14: 'bad DELTA_BINARY_PACKED data', 15: 'DELTA_BINARY_PACKED integers beyond 2^53 (or deltas beyond 2^51)',
};

interface Leaf { name: string; type: number; optional: boolean; unsigned: boolean; supported: string }

const utf8 = new TextDecoder();
const num = (v: TValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** Which leaf types we decode: '' when supported, else why not. */
function leafSupport(el: TStruct): { supported: string; unsigned: boolean } {
  const type = num(el[1]);
  if (type !== 0 && type !== 1 && type !== 2 && type !== 4 && type !== 5) return { supported: `physical type ${type}`, unsigned: false };
  const conv = num(el[6]);
  let unsigned = false;
  if (conv !== undefined) {
    if (conv < 11 || conv > 18) return { supported: `converted type ${conv}`, unsigned: false };
    unsigned = conv >= 11 && conv <= 14;
  }
  const logical = el[10];
  if (logical !== undefined) {
    const lt = logical as TStruct;
    const keys = Object.keys(lt);
    if (keys.length !== 1 || keys[0] !== '10') return { supported: `logical type ${keys.join(',')}`, unsigned: false };
    const it = lt[10] as TStruct;
    if (it[2] === false) unsigned = true;
  }
  if (type === 0 && (conv !== undefined || logical !== undefined)) return { supported: 'annotated BOOLEAN', unsigned: false };
  if (type === 0 || type === 4 || type === 5) unsigned = false;
  return { supported: '', unsigned };
}

/** null: use DuckDB (with the reason in parquetDecoder.last) */
function decline(reason: string): null {
  parquetDecoder.last = { path: 'duckdb', reason, readMs: 0, decodeMs: 0, threads: 0 };
  return null;
}

/**
 * Read the named columns of a Parquet file into a row-major Matrix (and `target` into y), or
 * return null when the file uses something this decoder does not read. A truncated or corrupt
 * file is an IOError naming it. Same results as the DuckDB path: nulls are NaN in X, a missing
 * target value is a DataError naming the row. `kinds` says which features were BOOLEAN (0/1).
 */
export function decodeParquetMatrix(path: string, columns: readonly string[] | undefined, target: string | null, owner: string): ParquetXY | null {
  if (parquetDecoder.mode === 'duckdb' || process.env.DEEPMINE_PARQUET_DECODER === 'duckdb') return decline('switched off');
  if (typeof SharedArrayBuffer === 'undefined') return decline('no SharedArrayBuffer');
  const abs = resolve(path);
  let fd: number;
  try { fd = openSync(abs, 'r'); } catch { return decline('cannot open'); }
  try {
    return decodeFd(fd, path, columns, target, owner);
  } finally {
    closeSync(fd);
  }
}

/** The decoder's result: readMatrix's XY plus the kind of each feature (BOOLEAN columns are 0/1 in X). */
export type ParquetXY = XY<Float64Array | null> & { kinds: ('numeric' | 'boolean')[] };

function readAt(fd: number, into: Uint8Array, pos: number, path: string, owner: string): void {
  let done = 0;
  while (done < into.length) {
    const r = readSync(fd, into, done, into.length - done, pos + done);
    if (r <= 0) throw new IOError(path, `${owner}: the Parquet file ended early (truncated?)`);
    done += r;
  }
}

function decodeFd(fd: number, path: string, columns: readonly string[] | undefined, target: string | null, owner: string): ParquetXY | null {
  const size = fstatSync(fd).size;
  const corrupt = (why: string) => new IOError(path, `${owner}: not a valid Parquet file: ${why}`);
  if (size < 12) throw corrupt(`${size} bytes`);
  const tail = new Uint8Array(8);
  readAt(fd, tail, size - 8, path, owner);
  const magic = utf8.decode(tail.subarray(4));
  if (magic === 'PARE') return decline('encrypted');
  const head = new Uint8Array(4);
  readAt(fd, head, 0, path, owner);
  if (magic !== 'PAR1' || utf8.decode(head) !== 'PAR1') throw corrupt('no PAR1 magic (truncated?)');
  const flen = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16)) + tail[3]! * 16777216;
  if (flen > size - 12) throw corrupt(`footer of ${flen} bytes in a ${size}-byte file`);
  const footer = new Uint8Array(flen);
  readAt(fd, footer, size - 8 - flen, path, owner);
  let meta: TStruct;
  try { meta = readStruct(footer, 0).value; } catch (e) {
    if (e instanceof ThriftError) throw corrupt(`footer: ${e.message}`);
    throw e;
  }
  const dataEnd = size - 8 - flen;
  // ---- schema: a root and flat leaves ----
  const schema = meta[2];
  if (!Array.isArray(schema) || schema.length < 1) throw corrupt('no schema');
  const root = schema[0] as TStruct;
  const nLeaves = num(root[5]) ?? 0;
  if (schema.length !== nLeaves + 1) return decline('nested schema');
  const leaves: Leaf[] = [];
  const byName = new Map<string, number>();
  for (let i = 1; i < schema.length; i++) {
    const el = schema[i] as TStruct;
    if ((num(el[5]) ?? 0) > 0) return decline('nested schema');
    const rep = num(el[3]) ?? 0;
    if (rep === 2) return decline('repeated column');
    if (!(el[4] instanceof Uint8Array)) throw corrupt('a schema element without a name');
    const name = utf8.decode(el[4]);
    if (byName.has(name)) return decline('duplicate column names');
    byName.set(name, leaves.length);
    const s = leafSupport(el);
    leaves.push({ name, type: num(el[1]) ?? -1, optional: rep === 1, unsigned: s.unsigned, supported: s.supported });
  }
  // ---- the columns read ----
  if (target !== null && !byName.has(target)) return decline('unknown target');
  const names = columns ? [...columns] : leaves.map((l) => l.name).filter((n) => n !== target);
  const cols: number[] = [];
  for (const c of names) {
    const k = byName.get(c);
    if (k === undefined) return decline(`unknown column ${c}`);
    cols.push(k);
  }
  const d = cols.length;
  if (d === 0) return decline('no feature columns');
  const tIdx = target === null ? -1 : byName.get(target)!;
  for (const k of tIdx >= 0 ? [...cols, tIdx] : cols) if (leaves[k]!.supported) return decline(`column ${leaves[k]!.name}: ${leaves[k]!.supported}`);
  // ---- row groups and their column chunks ----
  const groups = meta[4];
  if (groups !== undefined && !Array.isArray(groups)) throw corrupt('row groups');
  const reads: { rows: number; row0: number; from: number; to: number; chunks: { start: number; len: number; leaf: number; out: number; codec: number }[] }[] = [];
  let n = 0;
  const wanted = tIdx >= 0 ? [...cols.map((k, j) => [k, j] as const), [tIdx, -1] as const] : cols.map((k, j) => [k, j] as const);
  for (const g of (groups ?? []) as TStruct[]) {
    const rows = num(g[3]);
    const cc = g[1];
    if (rows === undefined || rows < 0 || !Array.isArray(cc) || cc.length !== leaves.length) throw corrupt('a row group');
    if (rows === 0) continue;
    const chunks = [];
    let from = Infinity, to = 0;
    for (const [k, out] of wanted) {
      const c = cc[k] as TStruct;
      if (c[1] !== undefined) return decline('column chunk in another file');
      const m = c[3] as TStruct | undefined;
      if (!m || typeof m !== 'object') throw corrupt('a column chunk without metadata');
      if (c[8] !== undefined || c[9] !== undefined) return decline('encrypted column');
      if (num(m[1]) !== leaves[k]!.type) throw corrupt(`column ${leaves[k]!.name}: chunk type differs from the schema`);
      const codec = num(m[4]);
      if (codec !== 0 && codec !== 1) return decline(`codec ${codec}`);
      const encs = (Array.isArray(m[2]) ? m[2] : []) as number[];
      for (const e of encs) if (e !== 0 && e !== 2 && e !== 3 && e !== 8 && !(e === 9 && leaves[k]!.type >= 4) && !(e === 5 && leaves[k]!.type <= 2)) return decline(`encoding ${e}`);
      if (num(m[5]) !== rows) throw corrupt(`column ${leaves[k]!.name}: ${num(m[5])} values in a row group of ${rows} rows`);
      const dataOff = num(m[9]), dictOff = num(m[11]), len = num(m[7]);
      if (dataOff === undefined || len === undefined) throw corrupt('a column chunk without offsets');
      const start = dictOff !== undefined && dictOff > 0 && dictOff < dataOff ? dictOff : dataOff;
      if (start < 4 || len < 0 || start + len > dataEnd) throw corrupt(`column ${leaves[k]!.name}: chunk outside the file`);
      chunks.push({ start, len, leaf: k, out, codec });
      from = Math.min(from, start);
      to = Math.max(to, start + len);
    }
    reads.push({ rows, row0: n, from, to, chunks });
    n += rows;
  }
  const total = num(meta[3]);
  if (total !== n) throw corrupt(`the row groups hold ${n} rows, the footer says ${total}`);
  if (n * d > 2 ** 32) return decline('too many values');
  // ---- one unit per row group: a thread reads its byte span and decodes its column chunks ----
  const X = sharedFloat64(n * d);
  const y = tIdx >= 0 ? sharedFloat64(n) : new Float64Array(0);
  const nJobs = reads.reduce((s, r) => s + r.chunks.length, 0);
  const jobs = new Float64Array(nJobs * JOB);
  const units = new Float64Array(reads.length * 4);
  let j = 0;
  reads.forEach((r, u) => {
    units.set([j, j + r.chunks.length, r.from, r.to - r.from], 4 * u);
    for (const c of r.chunks) {
      const leaf = leaves[c.leaf]!;
      jobs.set([c.start - r.from, c.len, r.row0, r.rows, c.out, leaf.type, (leaf.optional ? 1 : 0) | (leaf.unsigned ? 2 : 0), c.codec], j * JOB);
      j++;
    }
  });
  const threads = Math.max(1, Math.min(parquetDecoder.threads > 0 ? parquetDecoder.threads : linalgThreads(), linalgThreads(), reads.length));
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const t0 = performance.now();
  const tasks: KernelTask[] = [{ fn: 'parquetMainV1', args: [() => parquetDecodeKernel(jobs, units, X, d, y, ctl, fd, readSync)] }];
  for (let t = 1; t < threads; t++) tasks.push({ fn: 'parquetDecodeV1', args: [jobs, units, X, d, y, ctl, fd, null] });
  if (reads.length) runTasks(tasks);
  const decodeMs = performance.now() - t0;
  const code = Atomics.load(ctl, 1);
  if (code !== 0) {
    const job = Atomics.load(ctl, 2);
    const oc = jobs[job * JOB + 4]!;
    const where = `column ${JSON.stringify(oc >= 0 ? names[oc] : target)}, rows from ${jobs[job * JOB + 2]}`;
    const why = REASONS[Atomics.load(ctl, 3)] ?? 'corrupt page';
    if (code === 2) return decline(`${why} (${where})`);
    throw corrupt(`${why} (${where})`);
  }
  if (tIdx >= 0) {
    for (let i = 0; i < n; i++) if (Number.isNaN(y[i]!)) throw new DataError('target', 'a column without missing values', `missing value at row ${i} of ${JSON.stringify(target)}`, owner);
  }
  parquetDecoder.last = { path: 'own', reason: '', readMs: 0, decodeMs, threads };
  // BOOLEAN columns are 0/1 in X; their kind lets a Table keep them boolean, as DuckDB's path does
  const kinds = cols.map((k) => (leaves[k]!.type === 0 ? ('boolean' as const) : ('numeric' as const)));
  return { X: new Matrix(X, n, d), y: tIdx >= 0 ? y : null, featureNames: names, kinds };
}
