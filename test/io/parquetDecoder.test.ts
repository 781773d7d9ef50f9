/**
 * Our own Parquet decoder (io/parquet/) behind readMatrix: files written by DuckDB in the test
 * (Snappy, uncompressed, zstd; data pages v1 and v2; dictionary, PLAIN, BYTE_STREAM_SPLIT and
 * DELTA_BINARY_PACKED encodings; nulls; DOUBLE, FLOAT, INT32, INT64, BOOLEAN, unsigned and small
 * integers; several row groups; several data pages per chunk from a small writer in the test)
 * give X and y bit-identical to the DuckDB path (parquetDecoder.mode = 'duckdb'), which is the
 * reference; what the decoder does not read (zstd, text, dates, decimals) falls back to
 * DuckDB (the path taken is asserted); truncated and corrupt files are IOErrors naming the file.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, IOError } from '../../src/core/errors.js';
import { closeConnection, query, readMatrix } from '../../src/io/index.js';
import { parquetDecoder, type ReadMatrixOptions } from '../../src/io/readMatrix.js';
import { readStruct, ThriftError } from '../../src/io/parquet/thrift.js';
import { setLinalgThreads } from '../../src/linalg/threads.js';
import type { XY } from '../../src/io/toMatrix.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-pq-'));
after(async () => { await closeConnection(); rmSync(dir, { recursive: true, force: true }); });

const N = 20_000;
const NUMERIC = `
    CASE WHEN i % 101 = 7 THEN NULL ELSE i * 0.37 - sin(i) * 1e-3 END AS d,
    CAST(i / 7.0 AS FLOAT) AS f,
    CAST(i % 1000 - 500 AS INTEGER) AS i32,
    CAST(9007199254740993 + i * 3 AS BIGINT) AS big,
    CAST(-9007199254740993 - i * 5 AS BIGINT) AS nbig,
    CAST(i AS BIGINT) AS i64,
    CAST(4294967295 - i AS UINTEGER) AS u32,
    CAST(18446744073709551615 - i * 7 AS UBIGINT) AS u64,
    CAST(i % 100 - 50 AS TINYINT) AS tiny,
    CAST(i % 300 AS SMALLINT) AS small,
    CAST(i % 5 AS DOUBLE) * 1.5 AS dict,
    CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(i % 4 AS FLOAT) END AS dictnull,
    CASE WHEN i % 2 = 0 THEN NULL ELSE i END AS half,
    CAST('NaN' AS DOUBLE) * (i % 2) + i AS nans,
    CASE WHEN i % 7 = 0 THEN -0.0 ELSE 1.0 / (i + 1) END AS negz,
    CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
    CAST(i AS DOUBLE) * 0.5 AS label`;
const COLS = ['d', 'f', 'i32', 'big', 'nbig', 'i64', 'u32', 'u64', 'tiny', 'small', 'dict', 'dictnull', 'half', 'nans', 'negz', 'flag'];

async function write(name: string, select: string, opts: string): Promise<string> {
  const p = join(dir, name);
  await query(`COPY (SELECT ${select} FROM range(${N}) t(i)) TO '${p}' (FORMAT parquet, ${opts})`);
  return p;
}

async function read(path: string, mode: 'auto' | 'duckdb', opts: ReadMatrixOptions = {}): Promise<{ r: XY; path: string; reason: string }> {
  const saved = parquetDecoder.mode;
  parquetDecoder.mode = mode;
  try {
    const r = await readMatrix(path, opts);
    return { r, path: parquetDecoder.last.path, reason: parquetDecoder.last.reason };
  } finally {
    parquetDecoder.mode = saved;
  }
}

/** X (and y) bit for bit (NaN = NaN, -0 != 0) */
function assertSame(a: XY, b: XY, what: string): void {
  assert.equal(a.X.rows, b.X.rows, what);
  assert.equal(a.X.cols, b.X.cols, what);
  assert.deepEqual(a.featureNames, b.featureNames, what);
  const x = a.X.data, z = b.X.data;
  assert.equal(x.length, z.length, what);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], z[i])) assert.fail(`${what}: X[${Math.floor(i / a.X.cols)}, ${a.X.cols ? i % a.X.cols : 0}] = ${x[i]}, DuckDB path ${z[i]}`);
  }
  if (a.y === null || b.y === null) { assert.equal(a.y, b.y, what); return; }
  assert.equal(a.y.length, b.y.length, what);
  for (let i = 0; i < a.y.length; i++) if (!Object.is(a.y[i], b.y[i])) assert.fail(`${what}: y[${i}] = ${a.y[i]}, DuckDB path ${b.y[i]}`);
}

async function same(path: string, opts: ReadMatrixOptions, what: string): Promise<XY> {
  const own = await read(path, 'auto', opts);
  assert.equal(own.path, 'own', `${what}: the own decoder read it (declined: ${own.reason})`);
  const ref = await read(path, 'duckdb', opts);
  assert.equal(ref.path, 'duckdb');
  assertSame(own.r, ref.r, what);
  return own.r;
}

/** encodings DuckDB wrote for the columns (to check the test covers what it says) */
async function encodings(path: string): Promise<Set<string>> {
  const rows = (await query(`SELECT DISTINCT encodings FROM parquet_metadata('${path}')`)).columns[0]!;
  const s = new Set<string>();
  const col = rows as unknown as { labels?: string[]; codes?: Int32Array };
  if (col.labels) for (const l of col.labels) for (const e of l.split(',')) s.add(e.trim());
  return s;
}


// ---- a tiny Parquet writer (several data pages per column chunk, REQUIRED columns, literal-only
// Snappy): DuckDB writes one data page per chunk, other writers (pyarrow: 1 MB pages) do not ----
type TF = [number, 'i32' | 'i64' | 'bin' | 'list' | 'struct', unknown];
function tc(fields: TF[]): number[] {
  const out: number[] = [];
  const varint = (v: number) => { while (v >= 128) { out.push((v % 128) | 128); v = Math.floor(v / 128); } out.push(v); };
  const zig = (v: number) => varint(v >= 0 ? 2 * v : -2 * v - 1);
  const T = { i32: 5, i64: 6, bin: 8, list: 9, struct: 12 } as const;
  const val = (t: TF[1], v: unknown) => {
    if (t === 'i32' || t === 'i64') zig(v as number);
    else if (t === 'bin') { const b = Buffer.from(v as string); varint(b.length); out.push(...b); }
    else if (t === 'struct') out.push(...tc(v as TF[]));
    else {
      const [et, items] = v as [TF[1], unknown[]];
      if (items.length < 15) out.push((items.length << 4) | T[et]); else { out.push(0xf0 | T[et]); varint(items.length); }
      for (const it of items) val(et, it);
    }
  };
  let last = 0;
  for (const [id, t, v] of fields) { out.push(((id - last) << 4) | T[t]); last = id; val(t, v); }
  out.push(0);
  return out;
}
function snappyLiterals(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = b.length;
  while (n >= 128) { out.push((n % 128) | 128); n = Math.floor(n / 128); }
  out.push(n);
  for (let p = 0; p < b.length; p += 1000) {
    const len = Math.min(1000, b.length - p);
    out.push(61 << 2, (len - 1) & 255, (len - 1) >> 8, ...b.subarray(p, p + len));
  }
  return Uint8Array.from(out);
}
/** RLE runs of bit width 1 (definition levels), with the v1 4-byte length prefix */
function levels(defs: number[]): number[] {
  const body: number[] = [];
  for (let i = 0; i < defs.length;) {
    let j = i;
    while (j < defs.length && defs[j] === defs[i]) j++;
    let h = (j - i) * 2;
    while (h >= 128) { body.push((h % 128) | 128); h = Math.floor(h / 128); }
    body.push(h, defs[i]!);
    i = j;
  }
  return [body.length & 255, (body.length >> 8) & 255, (body.length >> 16) & 255, body.length >>> 24, ...body];
}
/** a file with an OPTIONAL DOUBLE column `a`, a REQUIRED INT64 column `b` and a REQUIRED BOOLEAN
 * column `c` (RLE encoded), `pages` data pages each */
function handWritten(a: (number | null)[], b: number[], c: number[], pages: number, snappy: boolean): Buffer {
  const parts: number[][] = [[...Buffer.from('PAR1')]];
  let at = 4;
  const n = a.length;
  const chunk = (kind: 'a' | 'b' | 'c') => {
    const start = at;
    for (let p = 0; p < pages; p++) {
      const lo = Math.floor((p * n) / pages), hi = Math.floor(((p + 1) * n) / pages);
      let raw: number[];
      if (kind === 'a') {
        const seg = a.slice(lo, hi);
        const vals = seg.filter((v): v is number => v !== null);
        raw = [...levels(seg.map((v) => (v === null ? 0 : 1))), ...new Uint8Array(Float64Array.from(vals).buffer)];
      } else if (kind === 'b') raw = [...new Uint8Array(BigInt64Array.from(b.slice(lo, hi), (v) => BigInt(v)).buffer)];
      else raw = levels(c.slice(lo, hi));
      const body = snappy ? snappyLiterals(Uint8Array.from(raw)) : Uint8Array.from(raw);
      const hdr = tc([[1, 'i32', 0], [2, 'i32', raw.length], [3, 'i32', body.length], [5, 'struct', [[1, 'i32', hi - lo], [2, 'i32', kind === 'c' ? 3 : 0], [3, 'i32', 3], [4, 'i32', 3]]]]);
      parts.push(hdr, [...body]);
      at += hdr.length + body.length;
    }
    const cc: TF[] = [[2, 'i64', start], [3, 'struct', [[1, 'i32', kind === 'a' ? 5 : kind === 'b' ? 2 : 0], [2, 'list', ['i32', [0, 3]]], [3, 'list', ['bin', [kind]]], [4, 'i32', snappy ? 1 : 0], [5, 'i64', n], [6, 'i64', at - start], [7, 'i64', at - start], [9, 'i64', start]]]];
    return cc;
  };
  const ca = chunk('a'), cb = chunk('b'), cc = chunk('c');
  const footer = tc([[1, 'i32', 1],
    [2, 'list', ['struct', [[[4, 'bin', 'schema'], [5, 'i32', 3]], [[1, 'i32', 5], [3, 'i32', 1], [4, 'bin', 'a']], [[1, 'i32', 2], [3, 'i32', 0], [4, 'bin', 'b']], [[1, 'i32', 0], [3, 'i32', 0], [4, 'bin', 'c']]]]],
    [3, 'i64', n],
    [4, 'list', ['struct', [[[1, 'list', ['struct', [ca, cb, cc]]], [2, 'i64', at - 4], [3, 'i64', n]]]]]]);
  parts.push(footer, [footer.length & 255, (footer.length >> 8) & 255, (footer.length >> 16) & 255, footer.length >>> 24], [...Buffer.from('PAR1')]);
  return Buffer.from(parts.flat());
}

describe('own Parquet decoder', () => {
  it('snappy, uncompressed: bit-identical to the DuckDB path (nulls, dictionary, integers, unsigned, several row groups)', async () => {
    for (const comp of ['snappy', 'uncompressed']) {
      const p = await write(`num-${comp}.parquet`, NUMERIC, `COMPRESSION ${comp}, ROW_GROUP_SIZE 3000`);
      const enc = await encodings(p);
      assert.ok([...enc].some((e) => e.includes('DICTIONARY')), `dictionary pages present (${[...enc]})`);
      const r = await same(p, { target: 'label' }, comp);
      assert.equal(r.X.rows, N);
      assert.deepEqual(r.featureNames, COLS);
      // spot checks of the reference semantics: NULL -> NaN, 2^53 + 1 rounds to even, unsigned
      assert.ok(Number.isNaN(r.X.data[7 * COLS.length]!));
      assert.equal(r.X.data[3], 9007199254740992);
      assert.equal(r.X.data[6], 4294967295);
      assert.equal(r.X.data[7], 18446744073709551615);
      // a column subset in another order, without a target
      await same(p, { columns: ['u64', 'd', 'dictnull', 'tiny'] }, `${comp} subset`);
      await same(p, { columns: ['half'], target: 'f' }, `${comp} one column`);
    }
  });

  it('data page v2 (PARQUET_VERSION V2: BYTE_STREAM_SPLIT doubles, RLE_DICTIONARY) and one thread vs several', async () => {
    const p = await write('v2.parquet', NUMERIC, 'COMPRESSION snappy, ROW_GROUP_SIZE 5000, PARQUET_VERSION V2');
    const enc = await encodings(p);
    assert.ok(enc.has('BYTE_STREAM_SPLIT') && enc.has('RLE_DICTIONARY'), `${[...enc]}`);
    // integers are DELTA_BINARY_PACKED in V2: read while they stay below 2^53 (here 'big' does not:
    // the file falls back to DuckDB)
    const all = await read(p, 'auto', { target: 'label' });
    assert.equal(all.path, 'duckdb');
    assert.match(all.reason, /2\^53/);
    const ints = ['i32', 'i64', 'u32', 'tiny', 'small', 'half', 'd', 'flag'];
    await same(p, { columns: ints, target: 'label' }, 'v2 delta-packed integers');
    const h = await write('v2hash.parquet', `CAST(hash(i) % 2147483647 AS INTEGER) AS a, CAST(hash(i) % 1099511627776 AS BIGINT) - 549755813888 AS b,
      CAST(hash(i * 7) % 4294967295 AS UINTEGER) AS c, CASE WHEN i % 9 = 0 THEN NULL ELSE CAST(i * i AS BIGINT) END AS e, CAST(-i AS INTEGER) AS f`, 'COMPRESSION snappy, ROW_GROUP_SIZE 6000, PARQUET_VERSION V2');
    assert.ok((await encodings(h)).has('DELTA_BINARY_PACKED'));
    await same(h, {}, 'v2 delta-packed random integers');
    const cols = ['d', 'f', 'dict', 'dictnull', 'nans', 'negz'];
    const a = await same(p, { columns: cols, target: 'label' }, 'v2');
    const prev = setLinalgThreads(1);
    try {
      const one = await read(p, 'auto', { columns: cols, target: 'label' });
      assert.equal(one.path, 'own');
      assertSame(one.r, a, 'one thread');
    } finally {
      setLinalgThreads(prev);
    }
    const u = await write('v2u.parquet', NUMERIC, 'COMPRESSION uncompressed, ROW_GROUP_SIZE 7000, PARQUET_VERSION V2');
    await same(u, { columns: cols, target: 'label' }, 'v2 uncompressed');
  });

  it('large row groups: dictionary + data pages; more threads than row groups', async () => {
    const p = join(dir, 'big-rg.parquet');
    await query(`COPY (SELECT random() AS a, (i % 5)::DOUBLE AS b, CASE WHEN i % 1000 = 0 THEN NULL ELSE i END::DOUBLE AS c FROM range(300000) t(i)) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 300000)`);
    await same(p, {}, 'one big row group');
  });

  it('several data pages per chunk, REQUIRED columns, RLE booleans, literal-only Snappy (a hand-written file)', async () => {
    const n = 5000;
    const a = Array.from({ length: n }, (_, i) => (i % 11 === 3 || (i >= 1200 && i < 1300) ? null : Math.sin(i) * 1e3));
    const b = Array.from({ length: n }, (_, i) => i * 977 - 2_000_000);
    const c = Array.from({ length: n }, (_, i) => (i % 7 < 3 || (i > 3000 && i < 3900) ? 1 : 0));
    for (const [pages, snappy] of [[7, true], [3, false], [1, true], [13, true]] as [number, boolean][]) {
      const p = join(dir, `hand-${pages}-${snappy}.parquet`);
      writeFileSync(p, handWritten(a, b, c, pages, snappy));
      const r = await same(p, { target: 'b' }, `hand-written, ${pages} pages, snappy ${snappy}`);
      // and the values written (independent of DuckDB)
      for (let i = 0; i < n; i++) {
        const want = a[i] ?? NaN;
        if (!Object.is(r.X.data[2 * i], want)) assert.fail(`row ${i}: ${r.X.data[2 * i]} != ${want}`);
        if (r.X.data[2 * i + 1] !== c[i]) assert.fail(`row ${i}: c = ${r.X.data[2 * i + 1]} != ${c[i]}`);
      }
      assert.deepEqual(Array.from(r.y as Float64Array), b);
    }
  });

  it('an empty file and a file of one row', async () => {
    const e = join(dir, 'empty.parquet');
    await query(`COPY (SELECT CAST(i AS DOUBLE) AS a, CAST(i AS INTEGER) AS b FROM range(10) t(i) WHERE i > 100) TO '${e}' (FORMAT parquet)`);
    const r = await same(e, { target: 'b' }, 'empty');
    assert.equal(r.X.rows, 0);
    assert.equal(r.X.cols, 1);
    const one = join(dir, 'one.parquet');
    await query(`COPY (SELECT CAST(1.5 AS DOUBLE) AS a, CAST(NULL AS DOUBLE) AS b) TO '${one}' (FORMAT parquet)`);
    const o = await same(one, {}, 'one row');
    assert.ok(Number.isNaN(o.X.data[1]!));
  });

  it('falls back to DuckDB for zstd, text, dates, decimals; the switch forces DuckDB', async () => {
    const z = await write('zstd.parquet', NUMERIC, 'COMPRESSION zstd');
    const zr = await read(z, 'auto', { target: 'label' });
    assert.equal(zr.path, 'duckdb');
    assert.match(zr.reason, /codec/);
    const mixed = await write('mixed.parquet', `CAST(i AS DOUBLE) * 0.5 AS x, CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS s, DATE '2000-01-01' + CAST(i % 30 AS INTEGER) AS dt, i % 2 = 0 AS flag, CAST(i / 3 AS DECIMAL(10, 2)) AS dec`, 'COMPRESSION snappy');
    // a text target: DuckDB reads it (labels)
    const t = await read(mixed, 'auto', { columns: ['x'], target: 's' });
    assert.equal(t.path, 'duckdb');
    assert.deepEqual(t.r.y!.slice(0, 3), ['a', 'b', 'b']);
    for (const c of ['dt', 'dec']) {
      const r = await read(mixed, 'auto', { columns: ['x', c] });
      assert.equal(r.path, 'duckdb', c);
    }
    // a text feature is DuckDB's DataError, as before
    await assert.rejects(read(mixed, 'auto', { columns: ['x', 's'] }), DataError);
    // the numeric column of a file with text columns: our decoder (the text is never read)
    await same(mixed, { columns: ['x'] }, 'numeric column beside text');
    // the env switch
    const p = await write('sw.parquet', 'CAST(i AS DOUBLE) * 0.25 AS a', 'COMPRESSION snappy');
    process.env.DEEPMINE_PARQUET_DECODER = 'duckdb';
    try {
      assert.equal((await read(p, 'auto')).path, 'duckdb');
    } finally {
      delete process.env.DEEPMINE_PARQUET_DECODER;
    }
    assert.equal((await read(p, 'auto')).path, 'own');
  });

  it('a missing target value is the DataError of the DuckDB path; unknown columns are its DataError too', async () => {
    const p = await write('tnull.parquet', 'CAST(i AS DOUBLE) AS a, CASE WHEN i = 17 THEN NULL ELSE i END AS t', 'COMPRESSION snappy');
    let own: unknown, ref: unknown;
    try { await read(p, 'auto', { target: 't' }); } catch (e) { own = e; }
    try { await read(p, 'duckdb', { target: 't' }); } catch (e) { ref = e; }
    assert.ok(own instanceof DataError && ref instanceof DataError);
    assert.equal((own as Error).message, (ref as Error).message);
    assert.match((own as Error).message, /row 17/);
    await assert.rejects(read(p, 'auto', { columns: ['nope'] }), DataError);
  });

  it('truncated and corrupt files: an IOError naming the file, never a hang or another error', async () => {
    const src = await write('good.parquet', NUMERIC, 'COMPRESSION snappy, ROW_GROUP_SIZE 4000');
    const bytes = readFileSync(src);
    const bad = join(dir, 'bad.parquet');
    const expectIOError = async (what: string) => {
      await assert.rejects(read(bad, 'auto', { target: 'label' }), (e: unknown) => {
        assert.ok(e instanceof IOError, `${what}: ${String(e)}`);
        assert.ok((e as Error).message.includes('bad.parquet'), `${what}: ${(e as Error).message}`);
        return true;
      });
    };
    // truncated: the footer is gone
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectIOError('truncated');
    writeFileSync(bad, bytes.subarray(0, 7));
    await expectIOError('7 bytes');
    // a footer length beyond the file
    const f = Buffer.from(bytes);
    f.writeUInt32LE(bytes.length * 2, bytes.length - 8);
    writeFileSync(bad, f);
    await expectIOError('footer length');
    // garbage in the first page header (own decoder: corrupt page)
    const g = Buffer.from(bytes);
    g.fill(0xff, 4, 40);
    writeFileSync(bad, g);
    const own = await read(bad, 'auto', { target: 'label' }).catch((e: unknown) => e);
    assert.ok(own instanceof IOError && own.message.includes('bad.parquet'), String(own));
    assert.match((own as Error).message, /not a valid Parquet file/);
    // random damage inside the data: either values (Snappy literals carry no checksum) or an
    // IOError; nothing else, no hang
    let seed = 12345;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const footerStart = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    let errors = 0;
    const saved = parquetDecoder.mode;
    parquetDecoder.mode = 'auto';
    try {
      for (let k = 0; k < 40; k++) {
        const h = Buffer.from(bytes);
        const at = 4 + Math.floor(rand() * (footerStart - 4));
        for (let b = 0; b < 4; b++) h[at + b] = Math.floor(rand() * 256);
        writeFileSync(bad, h);
        try {
          await readMatrix(bad, { target: 'label' });
        } catch (e) {
          assert.ok(e instanceof IOError || e instanceof DataError, `damage at ${at}: ${String(e)}`);
          errors++;
        }
      }
    } finally {
      parquetDecoder.mode = saved;
    }
    assert.ok(errors >= 1, 'some damage was detected');
    // damaged footer bytes
    for (let k = 0; k < 20; k++) {
      const h = Buffer.from(bytes);
      const at = footerStart + Math.floor(rand() * (bytes.length - 8 - footerStart));
      h[at] = Math.floor(rand() * 256);
      writeFileSync(bad, h);
      try {
        await readMatrix(bad, { target: 'label' });
      } catch (e) {
        assert.ok(e instanceof IOError || e instanceof DataError, `footer damage at ${at}: ${String(e)}`);
      }
    }
    const copy = join(dir, 'copy.parquet');
    copyFileSync(src, copy);
    await same(copy, { target: 'label' }, 'undamaged copy');
  });

  it('the Thrift reader rejects truncated input', () => {
    // struct { 1: i32 = 5, 2: binary "ab" } then STOP
    const ok = new Uint8Array([0x15, 0x0a, 0x18, 0x02, 0x61, 0x62, 0x00]);
    const v = readStruct(ok, 0).value;
    assert.equal(v[1], 5);
    assert.deepEqual([...(v[2] as Uint8Array)], [0x61, 0x62]);
    for (let k = 0; k < ok.length; k++) assert.throws(() => readStruct(ok.subarray(0, k), 0), ThriftError);
  });
});
