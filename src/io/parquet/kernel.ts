/**
 * The Parquet column-chunk decoder, as one self-contained worker kernel (`registerKernel`: its
 * source is sent to the worker threads, so it uses nothing but its arguments and globals).
 *
 * Arguments: `jobs`, JOB numbers per column chunk (see below); `units`, four numbers per row
 * group: [firstJob, endJob) of its column chunks, and the byte span [from, from + length) of the
 * file holding them; `X` (n x d row-major) and `y` on SharedArrayBuffers; `ctl` (shared
 * Int32Array): [0] the next unit to take (threads take units with Atomics.add until none are
 * left, so the work balances itself and one row group's rows are written by one thread: two
 * threads never write the same cache lines), [1] the error code (1 corrupt data, 2 something this
 * decoder does not read), [2] the job that failed, [3] a reason code (REASONS in reader.ts); `fd`,
 * the open file, read with `reader` (fs.readSync; null in a worker: `require('node:fs')`).
 *
 * A job: [0] byte offset of the chunk in its unit's span, [1] its length, [2] first row, [3] rows, [4] output
 * column (-1: y), [5] physical type (0 BOOLEAN, 1 INT32, 2 INT64, 4 FLOAT, 5 DOUBLE), [6] flags (1: optional
 * column, definition levels present; 2: unsigned integer), [7] codec (0 uncompressed, 1 snappy).
 *
 * Pages: dictionary, data v1 and data v2; encodings PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY,
 * BYTE_STREAM_SPLIT (FLOAT, DOUBLE), DELTA_BINARY_PACKED (INT32, INT64 while exact), RLE
 * (BOOLEAN), RLE/bit-packed hybrid definition levels. Null values become NaN. Each unit's columns
 * are decoded into per-thread column scratch, then interleaved into X in blocks of 512 rows. Every read is bounds-checked (corrupt input is error 1, never a hang: every loop consumes
 * input or output).
 */
export const JOB = 8;

/** `fs.readSync(fd, buffer, offset, length, position)` */
export type ReadFn = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => number;
declare const require: (m: string) => unknown;

export function parquetDecodeKernel(jobs: Float64Array, units: Float64Array, X: Float64Array, d: number, y: Float64Array, ctl: Int32Array, fd: number, reader: ReadFn | null): void {
  // per-thread scratch (on globalThis; large buffers are dropped when the call ends)
  const G = globalThis as unknown as { __deepminePq?: { inp: Uint8Array; cols: Float64Array[]; dec: Uint8Array; al: ArrayBuffer; vals: Float64Array; defs: Uint8Array; idx: Int32Array } };
  const S = G.__deepminePq ?? (G.__deepminePq = { inp: new Uint8Array(1 << 16), cols: [], dec: new Uint8Array(1 << 16), al: new ArrayBuffer(1 << 16), vals: new Float64Array(1 << 13), defs: new Uint8Array(1 << 13), idx: new Int32Array(1 << 13) });
  let reason = 0;
  let buf: Uint8Array = S.inp; // the row group being decoded (read by this thread)
  const H = 8; // doubles of headroom before a column's first row (a page's level prefix lands there)
  const CORRUPT = 1, UNSUPPORTED = 2;
  const fail = (code: number, why: number): never => { reason = why; throw code; };

  // the file is read with fs.readSync: given by the calling thread, `require`d in a worker
  let rd = reader;
  if (!rd) {
    try { rd = (require('node:fs') as { readSync: ReadFn }).readSync; } catch { rd = null; }
  }

  // ---- Thrift compact protocol: a generic struct reader (page headers) ----
  let tp = 0, tend = 0, tb: Uint8Array = buf;
  const tbyte = (): number => { if (tp >= tend) fail(CORRUPT, 1); return tb[tp++]!; };
  const tvar = (): number => {
    let v = 0, mul = 1;
    for (let i = 0; i < 10; i++) { const c = tbyte(); v += (c & 127) * mul; if ((c & 128) === 0) return v; mul *= 128; }
    return fail(CORRUPT, 1);
  };
  const tzz = (): number => { const u = tvar(); return u % 2 === 0 ? u / 2 : -(u + 1) / 2; };
  const tval = (t: number, depth: number): unknown => {
    if (depth > 32) fail(CORRUPT, 1);
    if (t === 1) return true;
    if (t === 2) return false;
    if (t === 3) return tbyte();
    if (t === 4 || t === 5 || t === 6) return tzz();
    if (t === 7) { if (tp + 8 > tend) fail(CORRUPT, 1); tp += 8; return 0; }
    if (t === 8) { const n = tvar(); if (tp + n > tend) fail(CORRUPT, 1); tp += n; return 0; }
    if (t === 9 || t === 10) {
      const h = tbyte();
      let n = h >> 4;
      if (n === 15) n = tvar();
      if (n > tend - tp) fail(CORRUPT, 1);
      for (let i = 0; i < n; i++) { if ((h & 15) === 1 || (h & 15) === 2) tbyte(); else tval(h & 15, depth + 1); }
      return 0;
    }
    if (t === 11) {
      const n = tvar();
      if (n > 0) { if (n > tend - tp) fail(CORRUPT, 1); const kv = tbyte(); for (let i = 0; i < n; i++) { tval(kv >> 4, depth + 1); tval(kv & 15, depth + 1); } }
      return 0;
    }
    if (t === 12) {
      const o: Record<number, unknown> = {};
      let id = 0;
      for (;;) {
        const h = tbyte();
        if (h === 0) return o;
        id = (h >> 4) === 0 ? tzz() : id + (h >> 4);
        o[id] = tval(h & 15, depth + 1);
      }
    }
    return fail(CORRUPT, 1);
  };

  // ---- scratch helpers ----
  const decBuf = (n: number): Uint8Array => { if (S.dec.length < n) S.dec = new Uint8Array(Math.max(n, S.dec.length * 2)); return S.dec; };
  const valsBuf = (n: number): Float64Array => { if (S.vals.length < n) S.vals = new Float64Array(Math.max(n, S.vals.length * 2)); return S.vals; };
  const defsBuf = (n: number): Uint8Array => { if (S.defs.length < n) S.defs = new Uint8Array(Math.max(n, S.defs.length * 2)); return S.defs; };
  const idxBuf = (n: number): Int32Array => { if (S.idx.length < n) S.idx = new Int32Array(Math.max(n, S.idx.length * 2)); return S.idx; };
  /** `n` bytes of `src` from `p`, at an 8-aligned place (a view when already aligned, else a copy) */
  const aligned = (src: Uint8Array, p: number, n: number): { b: ArrayBufferLike; o: number } => {
    if (((src.byteOffset + p) & 7) === 0) return { b: src.buffer, o: src.byteOffset + p };
    if (S.al.byteLength < n) S.al = new ArrayBuffer(Math.max(n + 8, S.al.byteLength * 2));
    new Uint8Array(S.al, 0, n).set(src.subarray(p, p + n));
    return { b: S.al, o: 0 };
  };

  // ---- snappy (raw block format) ----
  /** decompress src[p, p + len) into the scratch; returns its length (must equal `expect`) */
  const snappy = (src: Uint8Array, p: number, len: number, expect: number): Uint8Array => snappyInto(src, p, len, expect, decBuf(expect), 0);
  /** decompress into out[at, at + expect) */
  const snappyInto = (src: Uint8Array, p: number, len: number, expect: number, out: Uint8Array, at: number): Uint8Array => {
    const end = p + len;
    let n = 0, mul = 1, i = 0;
    for (; i < 5; i++) { if (p >= end) fail(CORRUPT, 3); const c = src[p++]!; n += (c & 127) * mul; if ((c & 128) === 0) break; mul *= 128; }
    if (i === 5 || n !== expect || at + n > out.length) fail(CORRUPT, 3);
    let o = at;
    n += at;
    while (p < end) {
      const tag = src[p++]!;
      const kind = tag & 3;
      if (kind === 0) {
        let l = tag >>> 2;
        if (l >= 60) {
          const nb = l - 59;
          if (p + nb > end) fail(CORRUPT, 3);
          l = src[p]!;
          if (nb > 1) l |= src[p + 1]! << 8;
          if (nb > 2) l |= src[p + 2]! << 16;
          if (nb > 3) l = (l | 0) + src[p + 3]! * 16777216;
          p += nb;
        }
        l += 1;
        if (p + l > end || o + l > n) fail(CORRUPT, 3);
        if (l < 16) { for (let k = 0; k < l; k++) out[o + k] = src[p + k]!; } else out.set(src.subarray(p, p + l), o);
        p += l;
        o += l;
        continue;
      }
      let l: number, off: number;
      if (kind === 1) {
        if (p >= end) fail(CORRUPT, 3);
        l = 4 + ((tag >>> 2) & 7);
        off = ((tag >>> 5) << 8) | src[p++]!;
      } else if (kind === 2) {
        if (p + 2 > end) fail(CORRUPT, 3);
        l = (tag >>> 2) + 1;
        off = src[p]! | (src[p + 1]! << 8);
        p += 2;
      } else {
        if (p + 4 > end) fail(CORRUPT, 3);
        l = (tag >>> 2) + 1;
        off = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) + src[p + 3]! * 16777216;
        p += 4;
      }
      if (off === 0 || off > o - at || o + l > n) fail(CORRUPT, 3);
      if (off >= l) out.copyWithin(o, o - off, o - off + l);
      else for (let k = 0; k < l; k++) out[o + k] = out[o + k - off]!;
      o += l;
    }
    if (o !== n) fail(CORRUPT, 3);
    return out;
  };

  // ---- RLE / bit-packed hybrid ----
  /** decode `count` values of `bw` bits from src[p, end) into out (Uint8Array or Int32Array) */
  const rle = (src: Uint8Array, p: number, end: number, bw: number, count: number, out: Uint8Array | Int32Array, sum: boolean): number => {
    if (bw > 24) fail(UNSUPPORTED, 6);
    const mask = bw === 0 ? 0 : (1 << bw) - 1;
    const vbytes = (bw + 7) >> 3;
    let i = 0, total = 0;
    while (i < count) {
      let h = 0, mul = 1, k = 0;
      for (; k < 5; k++) { if (p >= end) fail(CORRUPT, 4); const c = src[p++]!; h += (c & 127) * mul; if ((c & 128) === 0) break; mul *= 128; }
      if (k === 5) fail(CORRUPT, 4);
      if (h % 2 === 1) {
        const groups = (h - 1) / 2;
        const bytes = groups * bw;
        const take = Math.min(groups * 8, count - i);
        if (groups === 0) fail(CORRUPT, 4);
        if (p + Math.ceil((take * bw) / 8) > end) fail(CORRUPT, 4);
        let acc = 0, bits = 0, q = p;
        for (let t = 0; t < take; t++) {
          while (bits < bw) { acc |= src[q++]! << bits; bits += 8; }
          const v = acc & mask;
          out[i + t] = v;
          if (sum) total += v;
          acc >>>= bw;
          bits -= bw;
        }
        p += bytes;
        i += take;
      } else {
        const run = h / 2;
        if (run === 0) fail(CORRUPT, 4);
        if (p + vbytes > end) fail(CORRUPT, 4);
        let v = 0;
        for (let b = 0; b < vbytes; b++) v |= src[p + b]! << (8 * b);
        p += vbytes;
        const take = Math.min(run, count - i);
        out.fill(v, i, i + take);
        total += v * take;
        i += take;
      }
    }
    return total;
  };

  // ---- PLAIN values of the physical type as doubles ----
  const plain = (src: Uint8Array, p: number, end: number, n: number, type: number, unsigned: boolean, out: Float64Array): void => {
    if (type === 0) {
      // BOOLEAN: one bit per value, least significant first
      if (p + Math.ceil(n / 8) > end) fail(CORRUPT, 5);
      for (let i = 0; i < n; i++) out[i] = (src[p + (i >>> 3)]! >>> (i & 7)) & 1;
      return;
    }
    const size = type === 1 || type === 4 ? 4 : 8;
    if (p + n * size > end) fail(CORRUPT, 5);
    const a = aligned(src, p, n * size);
    if (type === 5) { out.set(new Float64Array(a.b, a.o, n)); return; }
    if (type === 4) { const f = new Float32Array(a.b, a.o, n); for (let i = 0; i < n; i++) out[i] = f[i]!; return; }
    const w = new Int32Array(a.b, a.o, type === 1 ? n : 2 * n);
    if (type === 1) {
      if (unsigned) for (let i = 0; i < n; i++) out[i] = w[i]! >>> 0;
      else for (let i = 0; i < n; i++) out[i] = w[i]!;
      return;
    }
    const two32 = 4294967296;
    for (let i = 0; i < n; i++) {
      const lo = w[2 * i]! >>> 0, hi = w[2 * i + 1]!;
      if (unsigned) {
        if (hi >= 0 && hi < 2097152) out[i] = hi * two32 + lo;
        else out[i] = Number(BigInt.asUintN(64, BigInt(hi) * BigInt(two32) + BigInt(lo)));
      } else if (hi >= -2097152 && hi < 2097152) out[i] = hi * two32 + lo;
      else out[i] = Number(BigInt(hi) * BigInt(two32) + BigInt(lo));
    }
  };

  // ---- DELTA_BINARY_PACKED integers (INT32; INT64 while every value is below 2^53 and every
  // delta below 2^51: otherwise error 2, and the file is read by DuckDB) ----
  const uvar = (src: Uint8Array, q: { p: number }, e: number): number => {
    let v = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      if (q.p >= e) fail(CORRUPT, 14);
      const c = src[q.p++]!;
      v += (c & 127) * mul;
      if ((c & 128) === 0) return v;
      mul *= 128;
    }
    return fail(CORRUPT, 14);
  };
  const zz = (u: number): number => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);
  const delta = (src: Uint8Array, p: number, e: number, n: number, type: number, unsigned: boolean, out: Float64Array): void => {
    const q = { p };
    const block = uvar(src, q, e), minis = uvar(src, q, e), total = uvar(src, q, e);
    let v = zz(uvar(src, q, e));
    if (block === 0 || minis === 0 || block % minis !== 0 || (block / minis) % 8 !== 0 || total < n) fail(CORRUPT, 14);
    const per = block / minis;
    const LIM = 9007199254740992;
    const wrap = (x: number): number => (type === 1 ? (unsigned ? x >>> 0 : x | 0) : x);
    if (Math.abs(v) >= LIM) fail(UNSUPPORTED, 15);
    let i = 0;
    if (n > 0) out[i++] = type === 1 ? wrap(v) : unsigned && v < 0 ? fail(UNSUPPORTED, 15) : v;
    while (i < n) {
      const minDelta = zz(uvar(src, q, e));
      // minDelta + packed stays below 2^52 (exact), and v + that is exact while the result is below 2^53
      if (Math.abs(minDelta) >= 2251799813685248) fail(UNSUPPORTED, 15);
      if (q.p + minis > e) fail(CORRUPT, 14);
      const widths = q.p;
      q.p += minis;
      for (let m = 0; m < minis && i < n; m++) {
        const w = src[widths + m]!;
        if (w > 51) fail(UNSUPPORTED, 15);
        const take = Math.min(per, n - i);
        if (q.p + Math.ceil((take * w) / 8) > e) fail(CORRUPT, 14);
        let bp = q.p * 8;
        for (let t = 0; t < take; t++) {
          let x = 0, got = 0;
          while (got < w) {
            const off = bp & 7, k = Math.min(8 - off, w - got);
            x += ((src[bp >>> 3]! >>> off) & ((1 << k) - 1)) * 2 ** got;
            got += k;
            bp += k;
          }
          v += minDelta + x;
          if (type === 1) v = wrap(v);
          else if (Math.abs(v) >= LIM || (unsigned && v < 0)) fail(UNSUPPORTED, 15);
          out[i++] = v;
        }
        q.p += (per * w) / 8;
      }
    }
  };

  /** decode job j's column chunk into col[H, H + rows) (colBytes: the same memory as bytes) */
  const chunk = (j: number, col: Float64Array, colBytes: Uint8Array): void => {
    const b = j * 8;
    const start = jobs[b]!, len = jobs[b + 1]!, rows = jobs[b + 3]!, type = jobs[b + 5]!, flags = jobs[b + 6]!, codec = jobs[b + 7]!;
    const optional = (flags & 1) !== 0, unsigned = (flags & 2) !== 0;
    let r = 0; // rows decoded so far
    const end = start + len;
    let pos = start;
    let dict: Float64Array | null = null;
    while (r < rows) {
      if (pos >= end) fail(CORRUPT, 2);
      tb = buf; tp = pos; tend = end;
      const ph = tval(12, 0) as Record<number, unknown>;
      pos = tp;
      const ptype = ph[1], usize = ph[2], csize = ph[3];
      if (typeof ptype !== 'number' || typeof usize !== 'number' || typeof csize !== 'number' || csize < 0 || usize < 0 || pos + csize > end) fail(CORRUPT, 2);
      const pstart = pos;
      pos += csize as number;
      if (ptype === 1) continue; // index page
      if (ptype !== 0 && ptype !== 2 && ptype !== 3) fail(UNSUPPORTED, 7);
      const hdr = ph[ptype === 0 ? 5 : ptype === 2 ? 7 : 8] as Record<number, unknown> | undefined;
      if (!hdr || typeof hdr !== 'object' || typeof hdr[1] !== 'number') fail(CORRUPT, 2);
      const nv = hdr![1] as number;
      if (nv < 0) fail(CORRUPT, 2);
      if (ptype === 2) {
        const enc = hdr![2];
        if (enc !== 0 && enc !== 2) fail(UNSUPPORTED, 8);
        let src = buf, p = pstart, e = pos;
        if (codec === 1) { src = snappy(buf, pstart, csize as number, usize as number); p = 0; e = usize as number; }
        dict = new Float64Array(nv);
        plain(src, p, e, nv, type, unsigned, dict);
        continue;
      }
      if (nv > rows - r) fail(CORRUPT, 2);
      const at = H + r; // this page's first row in col
      const defs = optional ? defsBuf(nv) : null;
      // the common case: a v1 page of PLAIN doubles, Snappy-compressed, decompressed straight into
      // the column (its level prefix lands just before the page's rows: those bytes are saved and
      // put back), then nulls spread in place from the end
      if (ptype === 0 && codec === 1 && type === 5 && hdr![2] === 0 && (!optional || hdr![3] === 3)) {
        let vl = 1;
        for (let v = 2 * nv; v >= 128; v = Math.floor(v / 128)) vl++;
        const guess = optional ? 4 + vl + 1 : 0;
        if ((usize as number) >= guess && (usize as number) <= guess + nv * 8) {
          const dst = at * 8 - guess;
          const saved = colBytes.slice(dst, dst + guess);
          snappyInto(buf, pstart, csize as number, usize as number, colBytes, dst);
          let nn = nv;
          if (optional) {
            const ll = (colBytes[dst]! | (colBytes[dst + 1]! << 8) | (colBytes[dst + 2]! << 16)) + colBytes[dst + 3]! * 16777216;
            if (4 + ll > (usize as number)) fail(CORRUPT, 4);
            nn = rle(colBytes, dst + 4, dst + 4 + ll, 1, nv, defs!, true);
            if (4 + ll + nn * 8 !== usize) fail(CORRUPT, 5);
            if (4 + ll !== guess) colBytes.copyWithin(at * 8, dst + 4 + ll, dst + 4 + ll + nn * 8);
          } else if (usize !== nv * 8) fail(CORRUPT, 5);
          colBytes.set(saved, dst);
          if (nn !== nv) {
            for (let i = nv - 1, k = nn - 1; i >= 0; i--) col[at + i] = defs![i] ? col[at + k--]! : NaN;
          }
          r += nv;
          continue;
        }
      }
      let src = buf, p = pstart, e = pos;
      let enc: unknown;
      let nn = nv;
      if (ptype === 0) {
        enc = hdr![2];
        if (codec === 1) { src = snappy(buf, pstart, csize as number, usize as number); p = 0; e = usize as number; }
        if (defs) {
          if (hdr![3] !== 3) fail(UNSUPPORTED, 9);
          if (p + 4 > e) fail(CORRUPT, 4);
          const ll = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) + src[p + 3]! * 16777216;
          p += 4;
          if (p + ll > e) fail(CORRUPT, 4);
          nn = rle(src, p, p + ll, 1, nv, defs, true);
          p += ll;
        }
      } else {
        enc = hdr![4];
        const dl = hdr![5], rl = hdr![6];
        if (typeof dl !== 'number' || typeof rl !== 'number' || dl < 0 || rl < 0 || dl + rl > (csize as number)) fail(CORRUPT, 2);
        if (defs) nn = rle(buf, pstart + (rl as number), pstart + (rl as number) + (dl as number), 1, nv, defs, true);
        p = pstart + (rl as number) + (dl as number);
        if (codec === 1 && hdr![7] !== false) {
          const ulen = (usize as number) - (rl as number) - (dl as number);
          src = snappy(buf, p, e - p, ulen);
          p = 0;
          e = ulen;
        }
      }
      let vals: Float64Array;
      if (enc === 0 && type === 5) {
        // the common case: doubles read in place (no intermediate copy)
        if (p + nn * 8 > e) fail(CORRUPT, 5);
        const a = aligned(src, p, nn * 8);
        vals = new Float64Array(a.b, a.o, nn);
      } else vals = valsBuf(nn);
      if (enc === 0) { if (type !== 5) plain(src, p, e, nn, type, unsigned, vals); }
      else if (enc === 2 || enc === 8) {
        if (!dict) fail(CORRUPT, 10);
        if (nn > 0) {
          if (p >= e) fail(CORRUPT, 4);
          const bw = src[p]!;
          const idx = idxBuf(nn);
          rle(src, p + 1, e, bw, nn, idx, false);
          const dl = dict!.length;
          for (let i = 0; i < nn; i++) { const k = idx[i]!; if (k >= dl) fail(CORRUPT, 11); vals[i] = dict![k]!; }
        }
      } else if (enc === 3 && type === 0) {
        // RLE booleans: a 4-byte length, then the hybrid runs of width 1
        if (p + 4 > e) fail(CORRUPT, 4);
        const ll = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) + src[p + 3]! * 16777216;
        if (p + 4 + ll > e) fail(CORRUPT, 4);
        const bits = idxBuf(nn);
        rle(src, p + 4, p + 4 + ll, 1, nn, bits, false);
        for (let i = 0; i < nn; i++) vals[i] = bits[i]!;
      } else if (enc === 5 && (type === 1 || type === 2)) {
        delta(src, p, e, nn, type, unsigned, vals);
      } else if (enc === 9 && (type === 4 || type === 5)) {
        const size = type === 4 ? 4 : 8;
        if (p + nn * size > e) fail(CORRUPT, 5);
        if (S.al.byteLength < nn * size) S.al = new ArrayBuffer(Math.max(nn * size + 8, S.al.byteLength * 2));
        const al = new Uint8Array(S.al, 0, nn * size);
        for (let k = 0; k < size; k++) for (let i = 0, q = p + k * nn; i < nn; i++) al[i * size + k] = src[q + i]!;
        if (type === 5) vals.set(new Float64Array(S.al, 0, nn));
        else { const f = new Float32Array(S.al, 0, nn); for (let i = 0; i < nn; i++) vals[i] = f[i]!; }
      } else fail(UNSUPPORTED, 8);
      if (defs && nn !== nv) {
        for (let i = 0, k = 0; i < nv; i++) col[at + i] = defs[i] ? vals[k++]! : NaN;
      } else col.set(vals.subarray(0, nv), at);
      r += nv;
    }
  };

  const nUnits = units.length >> 2;
  for (;;) {
    if (Atomics.load(ctl, 1) !== 0) return;
    const u = Atomics.add(ctl, 0, 1);
    if (u >= nUnits) {
      // done: large scratch is not kept between loads (a row group's bytes and columns per thread)
      if (S.inp.length > 1 << 22) S.inp = new Uint8Array(1 << 16);
      if (S.cols.length && S.cols[0]!.length > 1 << 19) S.cols = [];
      if (S.dec.length > 1 << 22) S.dec = new Uint8Array(1 << 16);
      if (S.al.byteLength > 1 << 22) S.al = new ArrayBuffer(1 << 16);
      return;
    }
    const j0 = units[4 * u]!, j1 = units[4 * u + 1]!, from = units[4 * u + 2]!, span = units[4 * u + 3]!;
    if (j1 <= j0) continue;
    if (!rd) { Atomics.compareExchange(ctl, 1, 0, UNSUPPORTED); Atomics.store(ctl, 2, j0); Atomics.store(ctl, 3, 13); return; }
    if (S.inp.length < span) S.inp = new Uint8Array(Math.max(span, Math.floor(S.inp.length * 1.5)));
    buf = S.inp;
    let got = 0;
    try {
      while (got < span) {
        const k = rd(fd, buf, got, span - got, from + got);
        if (!(k > 0)) break;
        got += k;
      }
    } catch { got = -1; }
    if (got !== span) { if (Atomics.compareExchange(ctl, 1, 0, CORRUPT) === 0) { Atomics.store(ctl, 2, j0); Atomics.store(ctl, 3, 13); } return; }
    const row0 = jobs[j0 * 8 + 2]!, rows = jobs[j0 * 8 + 3]!;
    // columns decoded at once: their scratch stays under ~48 MB
    const per = Math.max(1, Math.floor((48 << 20) / ((rows + H) * 8)));
    let j = j0;
    try {
      for (let b0 = j0; b0 < j1; b0 += per) {
        const b1 = Math.min(j1, b0 + per);
        for (j = b0; j < b1; j++) {
          const slot = j - b0;
          let c = S.cols[slot];
          if (!c || c.length < rows + H) { c = new Float64Array(rows + H); S.cols[slot] = c; }
          chunk(j, c, new Uint8Array(c.buffer, 0, (rows + H) * 8));
        }
        j = b0;
        // row-major interleave in blocks of rows (the block of X stays in cache)
        for (let i0 = 0; i0 < rows; i0 += 512) {
          const i1 = Math.min(rows, i0 + 512);
          for (let jj = b0; jj < b1; jj++) {
            const c = S.cols[jj - b0]!;
            const oc = jobs[jj * 8 + 4]!;
            if (oc < 0) { if (i0 === 0) y.set(c.subarray(H, H + rows), row0); continue; }
            const oc2 = jj + 1 < b1 ? jobs[(jj + 1) * 8 + 4]! : -1;
            if (oc2 >= 0) {
              // two columns per pass over the block
              const c2 = S.cols[jj + 1 - b0]!;
              const dd = oc2 - oc;
              for (let i = i0, o = (row0 + i0) * d + oc; i < i1; i++, o += d) { X[o] = c[H + i]!; X[o + dd] = c2[H + i]!; }
              jj++;
            } else for (let i = i0, o = (row0 + i0) * d + oc; i < i1; i++, o += d) X[o] = c[H + i]!;
          }
        }
      }
    } catch (e) {
      const code = typeof e === 'number' ? e : CORRUPT;
      if (typeof e !== 'number') reason = 12;
      if (Atomics.compareExchange(ctl, 1, 0, code) === 0) { Atomics.store(ctl, 2, j); Atomics.store(ctl, 3, reason); }
      return;
    }
  }
}
