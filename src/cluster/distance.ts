/**
 * Blocked squared-Euclidean distance kernels for clustering: the `||x||^2 - 2 x.c + ||c||^2`
 * expansion scikit-learn uses (`_euclidean_distances`, `lloyd_iter_chunked_dense`), on row-major
 * Float64Array buffers. Self-contained (no estimator imports) so it can move to a linalg module.
 *
 * All functions take raw buffers plus dimensions: `X` is `n x d` row-major, `C` is `k x d`.
 *
 * The k-means passes (`KMeansKernel`: Lloyd E+M, Elkan, centring, inertia) run in a WebAssembly
 * SIMD module assembled here (see `lloydWasmBytes`), with pure TypeScript fallbacks (`assignNearest`
 * and the loops of `kmeans.ts`); both perform the same floating-point operations in the same order,
 * so labels, sums and inertia are bit-identical whichever runs. Large problems split the row passes
 * over worker threads (`linalg/threads.ts`, `registerKernel('kmeansWasm', ...)`) on a shared
 * WebAssembly memory; the per-label sums are formed per fixed block of rows (`sumChunkRows`) and
 * added in block order, so the thread count does not change any result either.
 */
import { linalgThreads, registerKernel, runTasks } from '../linalg/threads.js';
import { linalgBackend } from '../linalg/wasm.js';
import { pairwiseSum } from '../core/numeric.js';

/**
 * Rows per block of the weighted per-label sums (the k-means M step): each block of
 * `sumChunkRows(n)` consecutive rows is summed on its own, rows in order, from zero, and the block
 * sums are added in block order. The blocks do not depend on the thread count, so the sums (and
 * the whole fit) are bit-identical whether one thread or several compute the blocks.
 */
export function sumChunkRows(n: number): number {
  return Math.max(SUM_CHUNK_MIN_ROWS, 2 * Math.ceil(n / (2 * SUM_MAX_CHUNKS)));
}
const SUM_CHUNK_MIN_ROWS = 1024;
const SUM_MAX_CHUNKS = 64;

/**
 * `n * d * k` per thread: the k-means row passes use `floor(n d k / KMEANS_PARALLEL_MIN_WORK)`
 * threads at most (so two from about 2.1M, where a Lloyd pass takes about 0.5 ms on one core and
 * 0.36 ms on two).
 */
export const KMEANS_PARALLEL_MIN_WORK = 1 << 20;

/** numpy's pairwise summation, shared from core/numeric.ts (re-exported for this module's users). */
export { pairwiseSum };

import { rowNormsSq, sqDistRows } from '../linalg/rows.js';

export { rowNormsSq, sqDistRows };

/**
 * Euclidean distance (not squared) between row `i` of `A` and row `j` of `B` in scikit-learn's
 * `_euclidean_dense_dense` order: `s += ((t0^2 + t1^2) + t2^2) + t3^2` over blocks of four
 * features, then the remaining features one by one. Same rounding as scikit-learn's Elkan, and a
 * dependency chain four times shorter than the sequential sum.
 */
export function distRowsSk(A: Float64Array, i: number, B: Float64Array, j: number, d: number): number {
  let s = 0;
  let a = i * d;
  let b = j * d;
  const a4 = a + d - (d % 4);
  for (; a < a4; a += 4, b += 4) {
    const t0 = A[a]! - B[b]!, t1 = A[a + 1]! - B[b + 1]!, t2 = A[a + 2]! - B[b + 2]!, t3 = A[a + 3]! - B[b + 3]!;
    s += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (const e = i * d + d; a < e; a++, b++) { const t = A[a]! - B[b]!; s += t * t; }
  return Math.sqrt(s);
}

/**
 * For rows `[start, end)` of `X`: `out[(i - start) * k + j] = cNorms[j] - 2 x_i.c_j (+ xNorms[i])`.
 * Centers are processed four at a time so each loaded `x_i[f]` feeds four multiply-adds.
 * With `xNorms` null the `||x||^2` term is left out (enough for an argmin over centers).
 */
export function sqDistBlock(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, xNorms: Float64Array | null, out: Float64Array,
): void {
  const k4 = k - (k % 4);
  let i = start;
  let o = 0;
  // two rows x four centers per pass: 8 accumulators, 6 loads per 8 multiply-adds
  for (; i + 1 < end; i += 2, o += 2 * k) {
    const xo = i * d;
    const xo2 = xo + d;
    const xn = xNorms ? xNorms[i]! : 0;
    const xn2 = xNorms ? xNorms[i + 1]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        const y = X[xo2 + f]!;
        const a0 = C[c0 + f]!, a1 = C[c1 + f]!, a2 = C[c2 + f]!, a3 = C[c3 + f]!;
        s0 += x * a0; s1 += x * a1; s2 += x * a2; s3 += x * a3;
        t0 += y * a0; t1 += y * a1; t2 += y * a2; t3 += y * a3;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
      out[o + k + j + 1] = -2 * t1 + cNorms[j + 1]! + xn2;
      out[o + k + j + 2] = -2 * t2 + cNorms[j + 2]! + xn2;
      out[o + k + j + 3] = -2 * t3 + cNorms[j + 3]! + xn2;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0, t0 = 0;
      for (let f = 0; f < d; f++) { const c = C[c0 + f]!; s0 += X[xo + f]! * c; t0 += X[xo2 + f]! * c; }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + k + j] = -2 * t0 + cNorms[j]! + xn2;
    }
  }
  for (; i < end; i++, o += k) {
    const xo = i * d;
    const xn = xNorms ? xNorms[i]! : 0;
    let j = 0;
    for (; j < k4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let f = 0; f < d; f++) {
        const x = X[xo + f]!;
        s0 += x * C[c0 + f]!; s1 += x * C[c1 + f]!; s2 += x * C[c2 + f]!; s3 += x * C[c3 + f]!;
      }
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
      out[o + j + 1] = -2 * s1 + cNorms[j + 1]! + xn;
      out[o + j + 2] = -2 * s2 + cNorms[j + 2]! + xn;
      out[o + j + 3] = -2 * s3 + cNorms[j + 3]! + xn;
    }
    for (; j < k; j++) {
      const c0 = j * d;
      let s0 = 0;
      for (let f = 0; f < d; f++) s0 += X[xo + f]! * C[c0 + f]!;
      out[o + j] = -2 * s0 + cNorms[j]! + xn;
    }
  }
}

/**
 * Label each row of `X` with its nearest center (first index on ties, as scikit-learn's
 * Lloyd E-step) using the blocked kernel. When `sums` is given, also accumulates the weighted
 * row sums per label (`sums[label] += w_i x_i`) and weights (`wsum[label] += w_i`): the fused
 * Lloyd E+M pass. Processes `[start, end)` so callers can split rows across workers.
 */
export function assignNearest(
  X: Float64Array, d: number, start: number, end: number,
  C: Float64Array, k: number, cNorms: Float64Array, labels: Int32Array,
  sums: Float64Array | null = null, wsum: Float64Array | null = null, weights: Float64Array | null = null,
): void {
  const BLOCK = 256;
  const buf = new Float64Array(BLOCK * k);
  for (let b = start; b < end; b += BLOCK) {
    const e = Math.min(end, b + BLOCK);
    sqDistBlock(X, d, b, e, C, k, cNorms, null, buf);
    for (let i = b, o = 0; i < e; i++, o += k) {
      let best = 0;
      let bv = buf[o]!;
      for (let j = 1; j < k; j++) { const v = buf[o + j]!; if (v < bv) { bv = v; best = j; } }
      labels[i] = best;
      if (sums) {
        const w = weights ? weights[i]! : 1;
        wsum![best]! += w;
        const so = best * d;
        const xo = i * d;
        if (w === 1) for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]!;
        else for (let f = 0; f < d; f++) sums[so + f]! += X[xo + f]! * w;
      }
    }
  }
}

/**
 * Full `nA x nB` matrix of (squared) Euclidean distances, as scikit-learn's `euclidean_distances`
 * (dot-product expansion, clipped at 0). Use only when the result fits in memory; the metrics use
 * row blocks instead.
 */
export function euclideanDistances(
  A: Float64Array, nA: number, B: Float64Array, nB: number, d: number,
  opts: { squared?: boolean; aNorms?: Float64Array; bNorms?: Float64Array } = {},
): Float64Array {
  const out = new Float64Array(nA * nB);
  const an = opts.aNorms ?? rowNormsSq(A, nA, d);
  const bn = opts.bNorms ?? rowNormsSq(B, nB, d);
  sqDistBlock(A, d, 0, nA, B, nB, bn, an, out);
  for (let t = 0; t < out.length; t++) {
    const v = out[t]! > 0 ? out[t]! : 0;
    out[t] = opts.squared ? v : Math.sqrt(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// WebAssembly SIMD Lloyd kernel

/*
 * The module is assembled here, byte by byte, from the instruction list below (no build step,
 * under 2 KiB). It exports `memory` and
 *
 *   assign(xp, n, d, ctp, kp, cnp, labp, sump, wsp, wp, mode)
 *
 * (byte offsets into memory): for each row i of X (n x d f64 at xp) it writes the nearest center
 * index to labels (i32 at labp) and, when mode = 1, adds w_i x_i to sums[label] (k x d at sump)
 * and w_i to wsum[label] (k at wsp; weights at wp). Centers come in pairs: f64x2
 * [c_2p[f], c_2p+1[f]] for pair p and feature f at ctp, laid out by `packCenters`; kp = ceil(k / 2)
 * pairs, an odd k padded with a zero center whose squared norm is +Infinity; squared norms at cnp
 * (2 kp f64).
 *
 * Rows go two at a time against four center pairs (8 f64x2 accumulators, 4 center loads and 2
 * splats per 16 multiply-adds). Each lane keeps the scalar kernel's order: s = 0, s += x[f] c[f]
 * for f = 0..d-1 (separate multiply and add), then -2 s + ||c||^2. The argmin never leaves the
 * registers: each row keeps a running f64x2 (minimum, index) over even and odd centers, updated
 * with a strict `<` mask and bitselect as the pairs come in increasing order, and the two lanes are
 * compared last (smaller value, then smaller index): that is exactly the first index of the
 * minimum, as the scalar loop's strict `<`. Sums use x * w (x * 1 === x exactly). Hence results
 * identical to `sqDistBlock` + the TypeScript loop of `assignNearest`, ties included.
 */
const uleb = (v: number): number[] => {
  const o: number[] = [];
  do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v);
  return o;
};
const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) { o.push(b); return o; }
    o.push(b | 0x80);
  }
};

/**
 * The kernel module's bytes (see the comment above). With `sharedMaxPages` the memory is instead
 * imported as `env.memory`, a shared memory of at most that many 64 KiB pages, so that instances
 * on several threads can work on row ranges of the same data.
 */
export function lloydWasmBytes(sharedMaxPages?: number): Uint8Array {
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const str = (t: string): number[] => [...uleb(t.length), ...Array.from(t, (c) => c.charCodeAt(0))];
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  // local indices of the function being assembled (see `func`)
  const at = new Map<string, number>();
  // instructions
  const get = (nm: string): number[] => [0x20, ...uleb(at.get(nm)!)];
  const set = (nm: string): number[] => [0x21, ...uleb(at.get(nm)!)];
  const i32 = (v: number): number[] => [0x41, ...sleb(v)];
  const ADD = 0x6a, MUL = 0x6c, AND = 0x71, OR = 0x72, SHL = 0x74, LT_S = 0x48, LT_U = 0x49, GT_S = 0x4a, GT_U = 0x4b, GE_S = 0x4e, GE_U = 0x4f, NE = 0x47, SELECT = 0x1b;
  const F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_SQRT = 0x9f, F64_EQ = 0x61, F64_LT = 0x63, F64_GT = 0x64, F64_GE = 0x66, TRUNC = 0xaa, I32_LOAD = 0x28;
  const EQZ = 0x45, CALL = 0x10;
  const iLoad = (): number[] => [0x28, 2, 0];
  const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
  const vLoad = (off = 0): number[] => simd(0, 3, ...uleb(off));
  const vSplatLoad = (): number[] => simd(10, 3, 0);
  const vStore = (): number[] => simd(11, 3, 0);
  const vConst = (lo: number, hi: number): number[] => simd(12, ...new Uint8Array(Float64Array.of(lo, hi).buffer));
  const F64X2_SPLAT = simd(20), F64X2_ADD = simd(240), F64X2_SUB = simd(241), F64X2_MUL = simd(242), F64X2_LT = simd(73), F64X2_GT = simd(74), BITSELECT = simd(82);
  const lane = (l: number): number[] => simd(33, l);
  const fLoad = (): number[] => [0x2b, 3, 0];
  const fStore = (): number[] => [0x39, 3, 0];
  const iStore = (): number[] => [0x36, 2, 0];
  const block = (...b: (number | number[])[]): number[] => [0x02, 0x40, ...b.flat(), 0x0b];
  const loop = (...b: (number | number[])[]): number[] => [0x03, 0x40, ...b.flat(), 0x0b];
  const when = (...b: (number | number[])[]): number[] => [0x04, 0x40, ...b.flat(), 0x0b];
  const br = (depth: number): number[] => [0x0c, ...uleb(depth)];
  const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];
  const inc = (nm: string, by: number): number[] => [...get(nm), ...i32(by), ADD, ...set(nm)];
  /** base + index << shift */
  const addr = (base: string, index: string, shift: number): number[] => [...get(base), ...get(index), ...i32(shift), SHL, ADD];
  const macc = (acc: string, xs: string): number[] => [...get(acc), ...get(xs), ...get('cv'), ...F64X2_MUL, ...F64X2_ADD, ...set(acc)];
  // the depth loop for `pairs` center pairs interleaved per feature at c, both rows
  const depthLoop = (pairs: number): number[] => [
    ...get('x0'), ...set('xf0'), ...get('x1'), ...set('xf1'), ...get('x0'), ...get('d8'), ADD, ...set('xe'),
    ...loop(
      ...get('xf0'), ...vSplatLoad(), ...set('s0'),
      ...get('xf1'), ...vSplatLoad(), ...set('s1'),
      ...Array.from({ length: pairs }, (_, q) => [...get('c'), ...vLoad(16 * q), ...set('cv'), ...macc('a' + q, 's0'), ...macc('a' + (q + 4), 's1')]).flat(),
      ...inc('c', 16 * pairs), ...inc('xf0', 8), ...inc('xf1', 8),
      ...get('xf0'), ...get('xe'), LT_U, ...brIf(0),
    ),
  ];
  // distances of pair g + q for both rows (acc * -2 + ||c||^2), merged lane-wise into the running
  // (min, index) of each row: strict < keeps the earlier center on ties, as the scalar argmin
  const mergePair = (q: number): number[] => [
    ...get('gi'), ...vConst(2 * q, 2 * q), ...F64X2_ADD, ...set('id'),
    ...addr('cnp', 'g', 4), ...vLoad(16 * q), ...set('cv'),
    ...[0, 1].flatMap((r) => {
      const acc = 'a' + (q + 4 * r), bv = `b${r}v`, bi = `b${r}i`;
      return [
        ...get(acc), ...get('m2'), ...F64X2_MUL, ...get('cv'), ...F64X2_ADD, ...set(acc),
        ...get(acc), ...get(bv), ...F64X2_LT, ...set('mk'),
        ...get(acc), ...get(bv), ...get('mk'), ...BITSELECT, ...set(bv),
        ...get('id'), ...get(bi), ...get('mk'), ...BITSELECT, ...set(bi),
      ];
    }),
  ];
  const zero = (names: string[]): number[] => names.flatMap((nm) => [...vConst(0, 0), ...set(nm)]);
  // wsum[lab] += w_r; sums[lab] += x_r * w_r (f64x2 over feature pairs, then the odd feature)
  const addRow = (r: string, xrow: string, lab: string): number[] => [
    ...addr('wp', r, 3), ...fLoad(), ...set('wi'),
    ...get('wi'), ...F64X2_SPLAT, ...set('wv'),
    ...addr('wsp', lab, 3), ...set('so'),
    ...get('so'), ...get('so'), ...fLoad(), ...get('wi'), F64_ADD, ...fStore(),
    ...get('sump'), ...get(lab), ...get('d8'), MUL, ADD, ...set('so'),
    ...get(xrow), ...set('xo'),
    ...get(xrow), ...get('d8'), ADD, ...set('end'),
    ...block(loop(
      ...get('xo'), ...i32(16), ADD, ...get('end'), GT_U, ...brIf(1),
      ...get('so'), ...get('so'), ...vLoad(), ...get('xo'), ...vLoad(), ...get('wv'), ...F64X2_MUL, ...F64X2_ADD, ...vStore(),
      ...inc('so', 16), ...inc('xo', 16), ...br(0),
    )),
    ...get('xo'), ...get('end'), LT_U,
    ...when(...get('so'), ...get('so'), ...fLoad(), ...get('xo'), ...fLoad(), ...get('wi'), F64_MUL, F64_ADD, ...fStore()),
  ];
  // label of row r from its (even lane, odd lane) minima -- the smaller value, the smaller index on
  // a tie -- then the weighted sum update (f64x2 over feature pairs, then the odd feature)
  const finishRow = (row: number, r: string, xrow: string): number[] => [
    ...get(`b${row}i`), ...lane(0), TRUNC, ...set('i0'),
    ...get(`b${row}v`), ...lane(0), ...set('v0'),
    ...get(`b${row}i`), ...lane(1), TRUNC, ...set('best'),
    ...get('best'), ...get('i0'),
    ...get(`b${row}v`), ...lane(1), ...get('v0'), F64_LT,
    ...get(`b${row}v`), ...lane(1), ...get('v0'), F64_EQ, ...get('best'), ...get('i0'), LT_S, AND, OR,
    SELECT, ...set('best'),
    ...addr('labp', r, 2), ...get('best'), ...iStore(),
    ...get('mode'), ...when(...addRow(r, xrow, 'best')),
  ];
  /** A function: its parameters (all i32), locals by type, result type (0 = none) and body. */
  const func = (params: string[], li32: string[], lf64: string[], lv128: string[], result: number, body: () => number[]): { type: number[]; code: number[] } => {
    at.clear();
    [...params, ...li32, ...lf64, ...lv128].forEach((nm, t) => at.set(nm, t));
    const locals = [[...uleb(li32.length), 0x7f], [...uleb(lf64.length), 0x7c], [...uleb(lv128.length), 0x7b]];
    const code = [...vec(locals), ...body(), 0x0b];
    return { type: [0x60, ...vec(params.map(() => [0x7f])), ...(result ? [1, result] : [0])], code: [...uleb(code.length), ...code] };
  };
  /**
   * For each row of X (n x d at xp), `out[f] op= g(x[f], aux[f])` over the d features: f64x2 on
   * feature pairs, then the odd feature; `vecOp`/`scalarOp` get (address of out[f], address of
   * x[f], address of aux[f]) and leave nothing on the stack.
   */
  const rowSweep = (vecOp: (o: number[], x: number[], u: number[]) => number[], scalarOp: (o: number[], x: number[], u: number[]) => number[]): number[] => [
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...get('xp'), ...get('n'), ...get('d8'), MUL, ADD, ...set('end'),
    ...get('xp'), ...set('xo'),
    ...block(loop(
      ...get('xo'), ...get('end'), GE_U, ...brIf(1),
      ...get('outp'), ...set('o'), ...get('auxp'), ...set('u'), ...get('outp'), ...get('d8'), ADD, ...set('oe'),
      ...block(loop(
        ...get('o'), ...i32(16), ADD, ...get('oe'), GT_U, ...brIf(1),
        ...vecOp(get('o'), get('xo'), get('u')),
        ...inc('o', 16), ...inc('xo', 16), ...inc('u', 16), ...br(0),
      )),
      ...get('o'), ...get('oe'), LT_U,
      ...when(...scalarOp(get('o'), get('xo'), get('u')), ...inc('xo', 8)),
      ...br(0),
    )),
  ];
  const sweepParams = ['xp', 'n', 'd', 'outp', 'auxp'];
  const sweepLocals = ['d8', 'end', 'xo', 'o', 'oe', 'u'];
  // colsum: out[f] += x[i][f], rows in order (numpy's mean(axis=0) order)
  const colsum = func(sweepParams, sweepLocals, [], [], 0, () => rowSweep(
    (o, x) => [...o, ...o, ...vLoad(), ...x, ...vLoad(), ...F64X2_ADD, ...vStore()],
    (o, x) => [...o, ...o, ...fLoad(), ...x, ...fLoad(), F64_ADD, ...fStore()],
  ));
  // center: t = x[i][f] - mean[f] (aux); x[i][f] = t; out[f] += t * t
  const center = func(sweepParams, sweepLocals, ['t'], ['tv'], 0, () => rowSweep(
    (o, x, u) => [...x, ...x, ...vLoad(), ...u, ...vLoad(), ...F64X2_SUB, ...set('tv'), ...get('tv'), ...vStore(),
      ...o, ...o, ...vLoad(), ...get('tv'), ...get('tv'), ...F64X2_MUL, ...F64X2_ADD, ...vStore()],
    (o, x, u) => [...x, ...x, ...fLoad(), ...u, ...fLoad(), F64_SUB, ...set('t'), ...get('t'), ...fStore(),
      ...o, ...o, ...fLoad(), ...get('t'), ...get('t'), F64_MUL, F64_ADD, ...fStore()],
  ));
  // inertia: sum over rows, in order, of w_i * (sum over f, in order, of (x[i][f] - c[label_i][f])^2)
  const inertia = func(['xp', 'n', 'd', 'cp', 'labp', 'wp'], ['i', 'd8', 'xo', 'xe', 'co'], ['s', 'r', 't'], [], 0x7c, () => [
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...get('xp'), ...set('xo'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      ...get('cp'), ...addr('labp', 'i', 2), I32_LOAD, 2, 0, ...get('d8'), MUL, ADD, ...set('co'),
      ...get('xo'), ...get('d8'), ADD, ...set('xe'),
      0x44, ...new Uint8Array(8), ...set('r'),
      ...block(loop(
        ...get('xo'), ...get('xe'), GE_U, ...brIf(1),
        ...get('xo'), ...fLoad(), ...get('co'), ...fLoad(), F64_SUB, ...set('t'),
        ...get('r'), ...get('t'), ...get('t'), F64_MUL, F64_ADD, ...set('r'),
        ...inc('xo', 8), ...inc('co', 8), ...br(0),
      )),
      ...get('s'), ...get('r'), ...addr('wp', 'i', 3), ...fLoad(), F64_MUL, F64_ADD, ...set('s'),
      ...inc('i', 1), ...br(0),
    )),
    ...get('s'),
  ]);
  const assign = func(['xp', 'n', 'd', 'ctp', 'kp', 'cnp', 'labp', 'sump', 'wsp', 'wp', 'mode'],
    ['i', 'i1', 'x0', 'x1', 'g', 'c', 'xf0', 'xf1', 'xe', 'd8', 'best', 'i0', 'so', 'xo', 'end'], ['v0', 'wi'],
    ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's0', 's1', 'cv', 'm2', 'wv', 'b0v', 'b0i', 'b1v', 'b1i', 'gi', 'mk', 'id'], 0, () => [
    ...i32(0), ...set('i'),
    ...vConst(-2, -2), ...set('m2'),
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      // second row of the pair: i + 1, or i again for the last row of an odd n
      ...get('i'), ...i32(1), ADD, ...get('i'), ...get('i'), ...i32(1), ADD, ...get('n'), LT_S, SELECT, ...set('i1'),
      ...get('xp'), ...get('i'), ...get('d8'), MUL, ADD, ...set('x0'),
      ...get('xp'), ...get('i1'), ...get('d8'), MUL, ADD, ...set('x1'),
      ...i32(0), ...set('g'), ...get('ctp'), ...set('c'),
      ...vConst(0, 1), ...set('gi'),
      ...vConst(Infinity, Infinity), ...set('b0v'), ...vConst(Infinity, Infinity), ...set('b1v'), ...zero(['b0i', 'b1i']),
      ...block(loop( // four center pairs at a time (their features interleaved: 64 bytes per feature)
        ...get('g'), ...i32(4), ADD, ...get('kp'), GT_S, ...brIf(1),
        ...zero(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']),
        ...depthLoop(4),
        ...[0, 1, 2, 3].flatMap(mergePair),
        ...get('gi'), ...vConst(8, 8), ...F64X2_ADD, ...set('gi'),
        ...inc('g', 4), ...br(0),
      )),
      ...block(loop( // remaining pairs one at a time
        ...get('g'), ...get('kp'), GE_S, ...brIf(1),
        ...zero(['a0', 'a4']),
        ...depthLoop(1),
        ...mergePair(0),
        ...get('gi'), ...vConst(2, 2), ...F64X2_ADD, ...set('gi'),
        ...inc('g', 1), ...br(0),
      )),
      ...finishRow(0, 'i', 'x0'),
      ...get('i1'), ...get('i'), NE, ...when(...finishRow(1, 'i1', 'x1')),
      ...inc('i', 2), ...br(0),
    )),
  ]);
  // dist(ap, bp, d): sqrt of the sum of squared differences in `distRowsSk` order
  const DIST = 4;
  const dist = func(['ap', 'bp', 'd'], ['a4', 'e'], ['s', 't0', 't1', 't2', 't3'], [], 0x7c, () => [
    ...get('ap'), ...get('d'), ...i32(2), 0x76 /* shr_u */, ...i32(5), SHL, ADD, ...set('a4'),
    ...get('ap'), ...get('d'), ...i32(3), SHL, ADD, ...set('e'),
    ...block(loop(
      ...get('ap'), ...get('a4'), GE_U, ...brIf(1),
      ...[0, 1, 2, 3].flatMap((q) => [...get('ap'), 0x2b, 3, q * 8, ...get('bp'), 0x2b, 3, q * 8, F64_SUB, ...set('t' + q)]),
      ...get('s'),
      ...get('t0'), ...get('t0'), F64_MUL, ...get('t1'), ...get('t1'), F64_MUL, F64_ADD,
      ...get('t2'), ...get('t2'), F64_MUL, F64_ADD, ...get('t3'), ...get('t3'), F64_MUL, F64_ADD,
      F64_ADD, ...set('s'),
      ...inc('ap', 32), ...inc('bp', 32), ...br(0),
    )),
    ...block(loop(
      ...get('ap'), ...get('e'), GE_U, ...brIf(1),
      ...get('ap'), ...fLoad(), ...get('bp'), ...fLoad(), F64_SUB, ...set('t0'),
      ...get('s'), ...get('t0'), ...get('t0'), F64_MUL, F64_ADD, ...set('s'),
      ...inc('ap', 8), ...inc('bp', 8), ...br(0),
    )),
    ...get('s'), F64_SQRT,
  ]);
  const distTo = (center: string): number[] => [...get('xo'), ...get('cp'), ...get(center), ...get('d8'), MUL, ADD, ...get('d'), CALL, DIST];
  const f64At = (base: string, index: number[]): number[] => [...get(base), ...index, ...i32(3), SHL, ADD];
  const lowerAt = (j: string): number[] => [...get('lo'), ...get(j), ...i32(3), SHL, ADD];
  const halfAt = (): number[] => f64At('halfp', [...get('label'), ...get('k'), MUL, ...get('j'), ADD]);
  const rowStart = (): number[] => [
    ...get('xp'), ...get('i'), ...get('d8'), MUL, ADD, ...set('xo'),
    ...get('lowerp'), ...get('i'), ...get('k'), MUL, ...i32(3), SHL, ADD, ...set('lo'),
  ];
  // elkanInit: scikit-learn's init_bounds_dense (as the TypeScript loop of kmeansSingleElkan)
  const elkanInit = func(['xp', 'n', 'd', 'cp', 'k', 'halfp', 'upperp', 'lowerp', 'labp'], ['i', 'j', 'label', 'xo', 'lo', 'd8'], ['ub', 'dd'], [], 0, () => [
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      ...rowStart(),
      ...i32(0), ...set('label'),
      ...distTo('label'), ...set('ub'), ...get('lo'), ...get('ub'), ...fStore(),
      ...i32(1), ...set('j'),
      ...block(loop(
        ...get('j'), ...get('k'), GE_S, ...brIf(1),
        ...get('ub'), ...halfAt(), ...fLoad(), F64_GT,
        ...when(
          ...distTo('j'), ...set('dd'), ...lowerAt('j'), ...get('dd'), ...fStore(),
          ...get('dd'), ...get('ub'), F64_LT, ...when(...get('dd'), ...set('ub'), ...get('j'), ...set('label')),
        ),
        ...inc('j', 1), ...br(0),
      )),
      ...addr('labp', 'i', 2), ...get('label'), ...iStore(),
      ...f64At('upperp', get('i')), ...get('ub'), ...fStore(),
      ...inc('i', 1), ...br(0),
    )),
  ]);
  // elkanStep: `elkanRow` for every row, then (mode 1) the weighted sums as `assign`
  const elkanStep = func(['xp', 'n', 'd', 'cp', 'k', 'halfp', 'nextp', 'upperp', 'lowerp', 'labp', 'sump', 'wsp', 'wp', 'mode'],
    ['i', 'j', 'label', 'xo', 'lo', 'd8', 'tight', 'so', 'end', 'xr'], ['ub', 'dd', 'wi'], ['wv'], 0, () => [
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      ...rowStart(), ...get('xo'), ...set('xr'),
      ...f64At('upperp', get('i')), ...fLoad(), ...set('ub'),
      ...addr('labp', 'i', 2), ...iLoad(), ...set('label'),
      ...f64At('nextp', get('label')), ...fLoad(), ...get('ub'), F64_GE, EQZ,
      ...when(
        ...i32(0), ...set('tight'), ...i32(0), ...set('j'),
        ...block(loop(
          ...get('j'), ...get('k'), GE_S, ...brIf(1),
          ...get('j'), ...get('label'), NE,
          ...when(...get('ub'), ...lowerAt('j'), ...fLoad(), F64_GT,
            ...when(...get('ub'), ...halfAt(), ...fLoad(), F64_GT,
              ...when(
                ...get('tight'), EQZ,
                ...when(...distTo('label'), ...set('ub'), ...lowerAt('label'), ...get('ub'), ...fStore(), ...i32(1), ...set('tight')),
                ...get('ub'), ...lowerAt('j'), ...fLoad(), F64_GT, ...get('ub'), ...halfAt(), ...fLoad(), F64_GT, OR,
                ...when(
                  ...distTo('j'), ...set('dd'), ...lowerAt('j'), ...get('dd'), ...fStore(),
                  ...get('dd'), ...get('ub'), F64_LT, ...when(...get('j'), ...set('label'), ...get('dd'), ...set('ub')),
                ),
              ))),
          ...inc('j', 1), ...br(0),
        )),
        ...addr('labp', 'i', 2), ...get('label'), ...iStore(),
        ...f64At('upperp', get('i')), ...get('ub'), ...fStore(),
      ),
      ...get('mode'), ...when(...addRow('i', 'xr', 'label')),
      ...inc('i', 1), ...br(0),
    )),
  ]);
  // elkanBounds: `elkanShiftBounds`
  const elkanBounds = func(['n', 'k', 'shiftp', 'labp', 'upperp', 'lowerp'], ['i', 'j', 'lo'], ['v'], [], 0, () => [
    ...get('lowerp'), ...set('lo'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      ...f64At('upperp', get('i')), ...f64At('upperp', get('i')), ...fLoad(), ...f64At('shiftp', [...addr('labp', 'i', 2), ...iLoad()]), ...fLoad(), F64_ADD, ...fStore(),
      ...i32(0), ...set('j'),
      ...block(loop(
        ...get('j'), ...get('k'), GE_S, ...brIf(1),
        ...lowerAt('j'), ...fLoad(), ...f64At('shiftp', get('j')), ...fLoad(), F64_SUB, ...set('v'),
        ...lowerAt('j'), 0x44, ...new Uint8Array(8), ...get('v'), ...get('v'), 0x44, ...new Uint8Array(8), F64_LT, SELECT, ...fStore(),
        ...inc('j', 1), ...br(0),
      )),
      ...get('lo'), ...get('k'), ...i32(3), SHL, ADD, ...set('lo'),
      ...inc('i', 1), ...br(0),
    )),
  ]);
  // rowDist: out[t * ldo + i] = max(0, -2 x_i.c_t + ||c_t||^2 + ||x_i||^2) for the 2 kp (packed)
  // centers c_t, as `distBlock` in kmeans.ts (k-means++ candidates); the Lloyd depth loops
  const emitDist = (q: number, acc: string, row: string, xs: string): number[] => [
    ...get(acc), ...get('m2'), ...F64X2_MUL, ...addr('cnp', 'g', 4), ...vLoad(16 * q), ...F64X2_ADD, ...get(xs), ...F64X2_ADD, ...set('cv'),
    ...get('cv'), ...vConst(0, 0), ...get('cv'), ...vConst(0, 0), ...F64X2_GT, ...BITSELECT, ...set('cv'),
    ...[0, 1].flatMap((l) => [
      ...get('outp'), ...get('g'), ...i32(1), SHL, ...i32(2 * q + l), ADD, ...get('n8'), MUL, ADD, ...get(row), ...i32(3), SHL, ADD,
      ...get('cv'), ...lane(l), ...fStore(),
    ]),
  ];
  const rowDist = func(['xp', 'n', 'd', 'ctp', 'kp', 'cnp', 'xnp', 'outp', 'ldo'],
    ['i', 'i1', 'x0', 'x1', 'g', 'c', 'xf0', 'xf1', 'xe', 'd8', 'n8'], [],
    ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's0', 's1', 'cv', 'm2', 'xs0', 'xs1'], 0, () => [
    ...vConst(-2, -2), ...set('m2'),
    ...get('d'), ...i32(3), SHL, ...set('d8'),
    ...get('ldo'), ...i32(3), SHL, ...set('n8'),
    ...block(loop(
      ...get('i'), ...get('n'), GE_S, ...brIf(1),
      ...get('i'), ...i32(1), ADD, ...get('i'), ...get('i'), ...i32(1), ADD, ...get('n'), LT_S, SELECT, ...set('i1'),
      ...get('xp'), ...get('i'), ...get('d8'), MUL, ADD, ...set('x0'),
      ...get('xp'), ...get('i1'), ...get('d8'), MUL, ADD, ...set('x1'),
      ...addr('xnp', 'i', 3), ...vSplatLoad(), ...set('xs0'),
      ...addr('xnp', 'i1', 3), ...vSplatLoad(), ...set('xs1'),
      ...i32(0), ...set('g'), ...get('ctp'), ...set('c'),
      ...block(loop(
        ...get('g'), ...i32(4), ADD, ...get('kp'), GT_S, ...brIf(1),
        ...zero(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']),
        ...depthLoop(4),
        ...[0, 1, 2, 3].flatMap((q) => [...emitDist(q, 'a' + q, 'i', 'xs0'), ...emitDist(q, 'a' + (q + 4), 'i1', 'xs1')]),
        ...inc('g', 4), ...br(0),
      )),
      ...block(loop(
        ...get('g'), ...get('kp'), GE_S, ...brIf(1),
        ...zero(['a0', 'a4']),
        ...depthLoop(1),
        ...emitDist(0, 'a0', 'i', 'xs0'), ...emitDist(0, 'a4', 'i1', 'xs1'),
        ...inc('g', 1), ...br(0),
      )),
      ...inc('i', 2), ...br(0),
    )),
  ]);
  const fns = [assign, colsum, center, inertia, dist, elkanInit, elkanStep, elkanBounds, rowDist];
  const names = ['assign', 'colsum', 'center', 'inertia', 'dist', 'elkanInit', 'elkanStep', 'elkanBounds', 'rowDist'];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(fns.map((f) => f.type))), // one type per function
    ...(sharedMaxPages ? section(2, vec([[...str('env'), ...str('memory'), 2, 3, 1, ...uleb(sharedMaxPages)]])) : []), // shared memory import
    ...section(3, vec(fns.map((_, t) => uleb(t)))), // function t has type t
    ...(sharedMaxPages ? [] : section(5, vec([[0, 1]]))), // one memory, 1 page minimum
    ...section(7, vec([...names.map((nm, t) => [...str(nm), 0, ...uleb(t)]), [...str('memory'), 2, 0]])),
    ...section(10, vec(fns.map((f) => f.code))),
  ]);
}

interface WasmApi {
  validate(b: Uint8Array): boolean;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: unknown };
  Memory: new (o: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer; grow(pages: number): number };
}
interface LloydExports {
  assign(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, labp: number, sump: number, wsp: number, wp: number, mode: number): void;
  colsum(xp: number, n: number, d: number, outp: number, auxp: number): void;
  center(xp: number, n: number, d: number, outp: number, auxp: number): void;
  inertia(xp: number, n: number, d: number, cp: number, labp: number, wp: number): number;
  elkanInit(xp: number, n: number, d: number, cp: number, k: number, halfp: number, upperp: number, lowerp: number, labp: number): void;
  elkanStep(xp: number, n: number, d: number, cp: number, k: number, halfp: number, nextp: number, upperp: number, lowerp: number, labp: number, sump: number, wsp: number, wp: number, mode: number): void;
  elkanBounds(n: number, k: number, shiftp: number, labp: number, upperp: number, lowerp: number): void;
  rowDist(xp: number, n: number, d: number, ctp: number, kp: number, cnp: number, xnp: number, outp: number, ldo: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

let lloydModule: object | null | undefined;

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
function lloydWasmModule(): object | null {
  if (lloydModule === undefined) {
    lloydModule = null;
    const W = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      const bytes = lloydWasmBytes();
      if (W && W.validate(bytes)) lloydModule = new W.Module(bytes);
    } catch {
      lloydModule = null;
    }
  }
  return lloydModule;
}

/**
 * A released kernel instance, kept only as long as the garbage collector lets it live: the next
 * assigner reuses its memory, whose pages the OS has already mapped (first-touch page faults on
 * tens of MB of fresh memory cost about as much as two Lloyd passes).
 */
let spare: WeakRef<LloydExports> | null = null;

/** Largest wasm32 footprint we ask for (bytes); bigger problems run the kernel in windows (see KMeansKernel). */
const WASM_MAX_BYTES = 2 ** 30;
const SHARED_MAX_PAGES = WASM_MAX_BYTES / 65536;

/** A kernel instance on a shared memory that worker threads instantiate the module on too. */
interface SharedKernel {
  exp: LloydExports;
  mem: object;
  /** key of the memory in the per-thread instance caches (see `kmeansWasmTask`) */
  id: number;
}
let sharedModule: object | null | undefined;
let spareShared: WeakRef<SharedKernel> | null = null;
let nextSharedId = 1;

/** The kernel module importing a shared `env.memory` (at most 1 GiB), or null where threads/SIMD are unavailable. */
function lloydSharedModule(): object | null {
  if (sharedModule === undefined) {
    sharedModule = null;
    const W = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      const bytes = lloydWasmBytes(SHARED_MAX_PAGES);
      if (W && typeof SharedArrayBuffer !== 'undefined' && W.validate(bytes)) sharedModule = new W.Module(bytes);
    } catch {
      sharedModule = null;
    }
  }
  return sharedModule;
}

/**
 * Worker-thread kernel (serialised with `registerKernel`, so self-contained): on this thread's
 * instance of the module `mod` over the shared memory `mem` (instantiated on first use, cached per
 * thread under `id`), call the export `name` once per argument list of `calls`, in order.
 * `name` 'forget' drops the cached instance (the memory can then be freed).
 */
function kmeansWasmTask(mod: object, mem: object, id: number, name: string, calls: number[][]): void {
  const g = globalThis as unknown as { __deepmineKMeans?: Map<number, Record<string, (...a: number[]) => unknown>> };
  let cache = g.__deepmineKMeans;
  if (!cache) cache = g.__deepmineKMeans = new Map();
  if (name === 'forget') {
    cache.delete(id);
    return;
  }
  let exp = cache.get(id);
  if (!exp) {
    const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
    exp = new W.Instance(mod, { env: { memory: mem } }).exports as Record<string, (...a: number[]) => unknown>;
    cache.set(id, exp);
  }
  const f = exp[name]!;
  for (let c = 0; c < calls.length; c++) f.apply(null, calls[c]!);
}
registerKernel('kmeansWasm', kmeansWasmTask);

/** Rows per window of the windowed k-means kernel (test hook; 0 = sized from WASM_MAX_BYTES). */
let windowRowsOverride = 0;

/**
 * Test hook: force the windowed mode of `KMeansKernel` with windows of `rows` rows (rounded to
 * whole sum blocks); 0 restores the automatic choice. Results never depend on it.
 */
export function setKMeansWindowRows(rows: number): void {
  windowRowsOverride = Math.max(0, Math.floor(rows));
}

/** Byte offsets of the kernel's regions for `rows` resident rows (X first, at 0). */
function kernelLayout(rows: number, d: number, k: number, elkan: boolean, rowDistMax: number, nBlocks: number) {
  const kp = (Math.max(k, rowDistMax) + 1) >> 1;
  const at = { x: 0, w: 0, lab: 0, ct: 0, cn: 0, sum: 0, ws: 0, col: 0, upper: 0, lower: 0, half: 0, next: 0, shift: 0, xn: 0, rd: 0, part: 0 };
  at.w = align(rows * d * 8);
  at.lab = at.w + align(rows * 8);
  at.ct = at.lab + align(rows * 4);
  at.cn = at.ct + align(kp * d * 16);
  at.sum = at.cn + align(kp * 16);
  at.ws = at.sum + align(k * d * 8);
  at.col = at.ws + align(k * 8);
  at.upper = at.col + 2 * align(d * 8);
  at.half = at.upper + (elkan ? align(rows * 8) : 0);
  at.next = at.half + (elkan ? align(k * k * 8) : 0);
  at.shift = at.next + (elkan ? align(k * 8) : 0);
  at.lower = at.shift + (elkan ? align(k * 8) : 0);
  at.xn = at.lower + (elkan ? align(rows * k * 8) : 0);
  at.rd = at.xn + (rowDistMax > 0 ? align(rows * 8) : 0);
  at.part = at.rd + (rowDistMax > 0 ? align(2 * ((rowDistMax + 1) >> 1) * rows * 8) : 0);
  return { at, total: at.part + nBlocks * (k * d + k) * 8 };
}

/**
 * The k-means passes over a fixed `n x d` data matrix against changing `k x d` centers: the
 * Lloyd E(+M) step (nearest-center labels and, optionally, per-label weighted sums), Elkan's
 * bounded E(+M) step (with `elkan`), the data preparation (column means, in-place centring) and the
 * inertia. The data lives in `X`, which the caller fills once: with WebAssembly SIMD available it
 * is a view of the kernel's own memory, so each pass only moves the centers in and the labels and
 * sums out (Elkan's bounds stay in the kernel). Falls back to TypeScript (same results, 3-5x
 * slower; the Elkan methods are WebAssembly only, `kmeans.ts` has their TypeScript loops) where
 * WebAssembly SIMD is missing or under `setLinalgBackend('ts')`. Call `release()` when done so
 * that the next kernel can reuse the memory.
 *
 * Past `WASM_MAX_BYTES` (about 8M rows at 10 columns and k = 8) the kernel runs windowed: X (and
 * Elkan's bounds and the labels) stay in JavaScript memory and each pass copies fixed windows of
 * whole sum blocks through the WebAssembly memory. The blocks are the same as unwindowed and
 * their sums are added in the same order, so results are bit-identical for any window size and
 * thread count; the fast threaded kernel thus serves any n at the cost of one copy per pass.
 *
 * When `n * d * k >= KMEANS_PARALLEL_MIN_WORK` and `linalgThreads() > 1`, the memory is a shared
 * `WebAssembly.Memory` and the row passes (Lloyd E+M, Elkan's steps) are split over worker threads
 * (`runTasks`), each with its own instance of the module on that memory, working on a range of
 * row blocks (`sumChunkRows`) and writing the sums of its blocks to their own slots; the calling
 * thread adds the block sums in block order. Results are bit-identical for any thread count.
 *
 * @example
 * const a = new KMeansKernel(n, d, k, null);
 * a.X.set(data);                                         // n x d, row-major
 * a.assign(C, rowNormsSq(C, k, d), labels, sums, wsum);  // labels; sums[label] += x; wsum[label] += 1
 * const inertia = a.inertia(C, labels);
 * a.release();
 */
export class KMeansKernel {
  private _X: Float64Array;
  private exp: LloydExports | null = null;
  private readonly weights: Float64Array | null;
  private readonly at: ReturnType<typeof kernelLayout>['at'];
  private readonly rowDistMax: number;
  private xnOf: Float64Array | null = null;
  private shared: SharedKernel | null = null;
  /** threads that are worth it for this size (1: single-threaded) */
  private readonly maxThreads: number;
  private usedWorkers = false;
  private readonly chunk: number;
  /** rows resident in the WebAssembly memory at once (n unless windowed) */
  private readonly win: number;
  /** windowed mode: per-row state kept in JavaScript between passes */
  private readonly rowState: { lab: Int32Array; upper: Float64Array | null; lower: Float64Array | null } | null = null;

  /**
   * With `elkan`, also room for Elkan's bounds (`n x k` lower bounds); with `rowDistMax`, for
   * `rowDistances` to that many rows at once (k-means++ seeding).
   */
  constructor(readonly n: number, readonly d: number, readonly k: number, weights: Float64Array | null, elkan = false, rowDistMax = 0) {
    this.weights = weights;
    this.rowDistMax = rowDistMax;
    this.chunk = sumChunkRows(n);
    const nChunks = Math.max(1, Math.ceil(n / this.chunk));
    let win = n;
    let { at, total } = kernelLayout(n, d, k, elkan, rowDistMax, nChunks);
    if (windowRowsOverride > 0 || total > WASM_MAX_BYTES) {
      // whole sum blocks per window, as many as fit in half the cap (or as the test hook asks)
      const perRow = kernelLayout(this.chunk, d, k, elkan, rowDistMax, 1).total / this.chunk;
      const rows = windowRowsOverride > 0 ? windowRowsOverride : Math.floor(WASM_MAX_BYTES / 2 / perRow);
      win = Math.min(n, Math.max(1, Math.floor(rows / this.chunk)) * this.chunk);
      ({ at, total } = kernelLayout(win, d, k, elkan, rowDistMax, Math.ceil(win / this.chunk)));
    }
    this.at = at;
    this.win = win;
    const wasmOk = linalgBackend() === 'wasm' && total <= WASM_MAX_BYTES;
    this.maxThreads = Math.min(linalgThreads(), nChunks, Math.max(1, Math.floor((n * d * k) / KMEANS_PARALLEL_MIN_WORK)));
    const smod = wasmOk && this.maxThreads > 1 ? lloydSharedModule() : null;
    const mod = wasmOk && !smod ? lloydWasmModule() : null;
    if (!mod && !smod) {
      this.win = n;
      this._X = new Float64Array(n * d);
      return;
    }
    let exp: LloydExports | undefined;
    if (smod) {
      let sh = spareShared?.deref();
      spareShared = null;
      if (!sh) {
        const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
        const mem = new W.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
        sh = { exp: new W.Instance(smod, { env: { memory: mem } }).exports as LloydExports, mem, id: nextSharedId++ };
      }
      // this thread runs its share of the work on its own instance
      const g = globalThis as unknown as { __deepmineKMeans?: Map<number, unknown> };
      (g.__deepmineKMeans ??= new Map()).set(sh.id, sh.exp);
      this.shared = sh;
      exp = sh.exp;
    } else {
      exp = spare?.deref();
      spare = null;
      if (!exp) {
        const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
        exp = new W.Instance(mod!, {}).exports as LloydExports;
      }
    }
    // all the memory at once: a later grow would detach X (a shared memory's views stay valid, but
    // the buffer read before the grow would be too short)
    exp.memory.grow(Math.ceil(Math.max(0, total - exp.memory.buffer.byteLength) / 65536));
    this.exp = exp;
    if (win < n) {
      this._X = new Float64Array(n * d);
      this.rowState = { lab: new Int32Array(n), upper: elkan ? new Float64Array(n) : null, lower: elkan ? new Float64Array(n * k) : null };
      return;
    }
    this._X = new Float64Array(exp.memory.buffer, 0, n * d);
    const w = new Float64Array(exp.memory.buffer, at.w, n);
    if (weights) w.set(weights.subarray(0, n));
    else w.fill(1);
  }

  /** The `n x d` data (fill before `assign`; valid until `release`). */
  get X(): Float64Array {
    return this._X;
  }

  /** True when the WebAssembly kernel is in use. */
  get wasm(): boolean {
    return this.exp !== null;
  }

  /** Rows per pass through the WebAssembly memory (n unless the data is larger than the cap). */
  get windowRows(): number {
    return this.win;
  }

  /** Threads the row passes use now (1 unless the memory is shared; capped by `linalgThreads()`). */
  get threads(): number {
    return this.shared ? Math.max(1, Math.min(this.maxThreads, linalgThreads())) : 1;
  }

  /**
   * Run `body(r0, rows)` once per window of resident rows, in order. Windowed, the window's rows
   * of X and its weights are copied in first (and `load`/`save` move per-row state in and out).
   */
  private windows(body: (r0: number, rows: number) => void, load?: (r0: number, rows: number) => void, save?: (r0: number, rows: number) => void): void {
    const { n, d, win } = this;
    if (win >= n) {
      body(0, n);
      return;
    }
    const f64 = this.f64();
    for (let r0 = 0; r0 < n; r0 += win) {
      const rows = Math.min(win, n - r0);
      f64.set(this._X.subarray(r0 * d, (r0 + rows) * d), this.at.x / 8);
      const w = f64.subarray(this.at.w / 8, this.at.w / 8 + rows);
      if (this.weights) w.set(this.weights.subarray(r0, r0 + rows));
      else w.fill(1);
      load?.(r0, rows);
      body(r0, rows);
      save?.(r0, rows);
    }
  }

  /** Copy the window's labels (and Elkan bounds) between JavaScript and the kernel memory. */
  private moveRowState(r0: number, rows: number, toKernel: boolean, what: { lab?: boolean; bounds?: boolean }): void {
    const st = this.rowState;
    if (!st) return;
    const { k, at } = this;
    const buf = this.exp!.memory.buffer;
    const pairs: [ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, Int32Array | Float64Array, number][] = [];
    if (what.lab) pairs.push([st.lab, new Int32Array(buf, at.lab, rows), 1]);
    if (what.bounds && st.upper && st.lower) {
      pairs.push([st.upper, new Float64Array(buf, at.upper, rows), 1]);
      pairs.push([st.lower, new Float64Array(buf, at.lower, rows * k), k]);
    }
    for (const [js, kern, per] of pairs) {
      if (toKernel) (kern as Float64Array).set(js.subarray(r0 * per, (r0 + rows) * per) as Float64Array);
      else (js as unknown as Float64Array).set(kern as unknown as Float64Array, r0 * per);
    }
  }

  /**
   * Call the export `name` once per row block of the `rows` resident rows, `args(r0, rows, c)`
   * giving its arguments for rows `[r0, r0 + rows)` of block `c`: the blocks split in contiguous
   * ranges over the threads.
   */
  private perBlock(name: 'assign' | 'elkanInit' | 'elkanStep' | 'elkanBounds' | 'rowDist', nRows: number, args: (r0: number, rows: number, c: number) => number[]): void {
    const { chunk } = this;
    const nChunks = Math.max(1, Math.ceil(nRows / chunk));
    const calls: number[][] = [];
    for (let c = 0; c < nChunks; c++) calls.push(args(c * chunk, Math.min(chunk, nRows - c * chunk), c));
    const t = Math.min(this.threads, nChunks);
    if (t <= 1) {
      const f = this.exp![name] as (...a: number[]) => void;
      for (const a of calls) f(...a);
      return;
    }
    const sh = this.shared!;
    const tasks = Array.from({ length: t }, (_, i) => ({
      fn: 'kmeansWasm',
      args: [lloydSharedModule(), sh.mem, sh.id, name, calls.slice(Math.floor((i * nChunks) / t), Math.floor(((i + 1) * nChunks) / t))],
    }));
    this.usedWorkers = true;
    runTasks(tasks);
  }

  /** Zero the per-block sum slots of `rows` resident rows (`k x d` sums then `k` weights per block). */
  private clearParts(rows: number): void {
    const { k, d } = this;
    const o = this.at.part / 8;
    this.f64().fill(0, o, o + Math.ceil(rows / this.chunk) * (k * d + k));
  }

  /** `sums += block sums`, `wsum += block weights`, blocks of the `rows` resident rows in order. */
  private addParts(rows: number, sums: Float64Array, wsum: Float64Array): void {
    const { k, d } = this;
    const src = this.f64();
    const kd = k * d;
    const nBlocks = Math.ceil(rows / this.chunk);
    for (let c = 0, o = this.at.part / 8; c < nBlocks; c++, o += kd + k) {
      for (let t = 0; t < kd; t++) sums[t]! += src[o + t]!;
      for (let j = 0; j < k; j++) wsum[j]! += src[o + kd + j]!;
    }
  }

  /** Hand the kernel memory over to the next assigner; this one must not be used afterwards. */
  release(): void {
    const sh = this.shared;
    if (sh) {
      // the worker threads drop their instances (and references to the memory)
      if (this.usedWorkers) runTasks(Array.from({ length: this.maxThreads }, () => ({ fn: 'kmeansWasm', args: [null, null, sh.id, 'forget', []] })));
      (globalThis as unknown as { __deepmineKMeans?: Map<number, unknown> }).__deepmineKMeans?.delete(sh.id);
      spareShared = new WeakRef(sh);
      this.shared = null;
    } else if (this.exp) spare = new WeakRef(this.exp);
    this.exp = null;
    this._X = new Float64Array(0);
  }

  /** Column means of X, summed row by row (as `mean(axis=0)` in numpy, and `columnMeans`). */
  columnMeans(): Float64Array {
    const { n, d, exp } = this;
    const s = new Float64Array(d);
    if (exp) {
      new Float64Array(exp.memory.buffer, this.at.col, d).fill(0);
      // windows in order continue the same running sums
      this.windows((_, rows) => exp.colsum(this.at.x, rows, d, this.at.col, this.at.col));
      s.set(new Float64Array(exp.memory.buffer, this.at.col, d));
    } else {
      const X = this._X;
      for (let i = 0, o = 0; i < n; i++, o += d) for (let f = 0; f < d; f++) s[f]! += X[o + f]!;
    }
    for (let f = 0; f < d; f++) s[f]! /= n;
    return s;
  }

  /** Subtract `mean` from every row of X in place; returns the per-column sums of the squared differences. */
  center(mean: Float64Array): Float64Array {
    const { n, d, exp } = this;
    const v = new Float64Array(d);
    if (exp) {
      const col = this.at.col;
      new Float64Array(exp.memory.buffer, col, d).fill(0);
      new Float64Array(exp.memory.buffer, col + align(d * 8), d).set(mean.subarray(0, d));
      this.windows((r0, rows) => {
        exp.center(this.at.x, rows, d, col, col + align(d * 8));
        if (this.rowState) this._X.set(new Float64Array(exp.memory.buffer, this.at.x, rows * d), r0 * d);
      });
      v.set(new Float64Array(exp.memory.buffer, col, d));
      return v;
    }
    const X = this._X;
    for (let i = 0, o = 0; i < n; i++, o += d) {
      for (let f = 0; f < d; f++) {
        const t = X[o + f]! - mean[f]!;
        X[o + f] = t;
        v[f]! += t * t;
      }
    }
    return v;
  }

  /** Weighted sum of squared distances of the rows to their labelled center (direct differences, rows in order). */
  inertia(C: Float64Array, labels: Int32Array): number {
    const { n, d, k, exp } = this;
    if (!exp || this.rowState) {
      // the TypeScript loop is the kernel's operation order (one running sum over all rows)
      let s = 0;
      for (let i = 0; i < n; i++) s += sqDistRows(this._X, i, C, labels[i]!, d) * (this.weights ? this.weights[i]! : 1);
      return s;
    }
    new Float64Array(exp.memory.buffer, this.at.ct, k * d).set(C.subarray(0, k * d));
    new Int32Array(exp.memory.buffer, this.at.lab, n).set(labels.subarray(0, n));
    return exp.inertia(this.at.x, n, d, this.at.ct, this.at.lab, this.at.w);
  }

  /**
   * Squared distances of every row of X to each of the rows `rows` of X (at most `rowDistMax`),
   * as `max(0, -2 x.c + ||c||^2 + ||x||^2)` with the squared row norms `xNorms`: the values of the
   * TypeScript loop of `kmeansPlusPlus`, one pass over X for all the rows. WebAssembly only.
   */
  rowDistances(rows: ArrayLike<number>, xNorms: Float64Array): Float64Array[] {
    const { n, d, at, win } = this;
    const m = rows.length;
    if (!this.exp || m > this.rowDistMax) throw new Error('KMeansKernel.rowDistances: not available (check wasm and rowDistMax)');
    const f64 = this.f64();
    const windowed = this.rowState !== null;
    if (!windowed && this.xnOf !== xNorms) {
      f64.set(xNorms.subarray(0, n), at.xn / 8);
      this.xnOf = xNorms;
    }
    const C = new Float64Array(m * d);
    const cn = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      C.set(this._X.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
      cn[t] = xNorms[rows[t]!]!;
    }
    const kp = (m + 1) >> 1;
    packCenters(C, m, d, f64, at.ct / 8);
    for (let j = 0; j < 2 * kp; j++) f64[at.cn / 8 + j] = j < m ? cn[j]! : Infinity;
    if (!windowed) {
      this.perBlock('rowDist', n, (r0, nr) => [at.x + r0 * d * 8, nr, d, at.ct, kp, at.cn, at.xn + r0 * 8, at.rd + r0 * 8, n]);
      return Array.from({ length: m }, (_, t) => f64.slice(at.rd / 8 + t * n, at.rd / 8 + (t + 1) * n));
    }
    const out = Array.from({ length: m }, () => new Float64Array(n));
    this.windows((w0, nw) => {
      f64.set(xNorms.subarray(w0, w0 + nw), at.xn / 8);
      this.perBlock('rowDist', nw, (r0, nr) => [at.x + r0 * d * 8, nr, d, at.ct, kp, at.cn, at.xn + r0 * 8, at.rd + r0 * 8, win]);
      for (let t = 0; t < m; t++) out[t]!.set(f64.subarray(at.rd / 8 + t * win, at.rd / 8 + t * win + nw), w0);
    });
    return out;
  }

  private f64(): Float64Array {
    return new Float64Array(this.exp!.memory.buffer);
  }

  /**
   * Elkan's initial bounds and labels (scikit-learn's `init_bounds_dense`) for the centers `C`
   * and their pairwise half distances `half` (`k x k`); labels are written to `labels`.
   * WebAssembly only (check `wasm`); the assigner must have been built with `elkan`.
   */
  elkanInit(C: Float64Array, half: Float64Array, labels: Int32Array): void {
    const { d, k, at } = this;
    const exp = this.exp!;
    const f64 = this.f64();
    f64.set(C.subarray(0, k * d), at.ct / 8);
    f64.set(half.subarray(0, k * k), at.half / 8);
    this.windows((r0, rows) => {
      f64.fill(0, at.lower / 8, at.lower / 8 + rows * k);
      this.perBlock('elkanInit', rows, (b0, nb) => [at.x + b0 * d * 8, nb, d, at.ct, k, at.half, at.upper + b0 * 8, at.lower + b0 * k * 8, at.lab + b0 * 4]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
    }, undefined, (r0, rows) => this.moveRowState(r0, rows, false, { lab: true, bounds: true }));
  }

  /**
   * One Elkan E-step (as `elkanRow` on every row) against `C` with half distances `half` and
   * nearest-other half distances `next`; labels out to `labels`; with `sums`/`wsum`, the weighted
   * sums per label are added as in `assign`. The bounds stay in the kernel between calls.
   */
  elkanStep(C: Float64Array, half: Float64Array, next: Float64Array, labels: Int32Array, sums: Float64Array | null = null, wsum: Float64Array | null = null): void {
    const { d, k, at } = this;
    const exp = this.exp!;
    const f64 = this.f64();
    f64.set(C.subarray(0, k * d), at.ct / 8);
    f64.set(half.subarray(0, k * k), at.half / 8);
    f64.set(next.subarray(0, k), at.next / 8);
    const stride = (k * d + k) * 8;
    this.windows((r0, rows) => {
      if (sums) this.clearParts(rows);
      this.perBlock('elkanStep', rows, (b0, nb, c) => [at.x + b0 * d * 8, nb, d, at.ct, k, at.half, at.next, at.upper + b0 * 8, at.lower + b0 * k * 8, at.lab + b0 * 4,
        at.part + c * stride, at.part + c * stride + k * d * 8, at.w + b0 * 8, sums ? 1 : 0]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
      if (sums) this.addParts(rows, sums, wsum!);
    }, (r0, rows) => this.moveRowState(r0, rows, true, { lab: true, bounds: true }), (r0, rows) => this.moveRowState(r0, rows, false, { lab: true, bounds: true }));
  }

  /** Elkan's bound update after the centers moved by `shift` (labels as left by the last `elkanStep`). */
  elkanShiftBounds(shift: Float64Array): void {
    const { k, at } = this;
    this.f64().set(shift.subarray(0, k), at.shift / 8);
    const run = (rows: number) => this.perBlock('elkanBounds', rows, (b0, nb) => [nb, k, at.shift, at.lab + b0 * 4, at.upper + b0 * 8, at.lower + b0 * k * 8]);
    if (!this.rowState) {
      run(this.n);
      return;
    }
    // only per-row state is touched: no need to copy X through
    for (let r0 = 0; r0 < this.n; r0 += this.win) {
      const rows = Math.min(this.win, this.n - r0);
      this.moveRowState(r0, rows, true, { lab: true, bounds: true });
      run(rows);
      this.moveRowState(r0, rows, false, { bounds: true });
    }
  }

  /**
   * Labels of all rows against the centers `C` (squared norms `cNorms`), written to `labels`.
   * With `sums` (`k x d`) and `wsum` (`k`), also adds `w_i x_i` and `w_i` to the row of the
   * label (they are not zeroed first).
   */
  assign(C: Float64Array, cNorms: Float64Array, labels: Int32Array, sums: Float64Array | null = null, wsum: Float64Array | null = null): void {
    const { n, d, k } = this;
    const exp = this.exp;
    if (!exp) {
      if (!sums) {
        assignNearest(this._X, d, 0, n, C, k, cNorms, labels, null, null, this.weights);
        return;
      }
      // the blocks of the WebAssembly path, one after the other
      const part = new Float64Array(k * d + k);
      for (let r0 = 0; r0 < n; r0 += this.chunk) {
        part.fill(0);
        assignNearest(this._X, d, r0, Math.min(n, r0 + this.chunk), C, k, cNorms, labels, part.subarray(0, k * d), part.subarray(k * d), this.weights);
        for (let t = 0; t < k * d; t++) sums[t]! += part[t]!;
        for (let j = 0; j < k; j++) wsum![j]! += part[k * d + j]!;
      }
      return;
    }
    const at = this.at;
    const kp = (k + 1) >> 1;
    const f64 = new Float64Array(exp.memory.buffer);
    packCenters(C, k, d, f64, at.ct / 8);
    const cn = at.cn / 8;
    for (let j = 0; j < 2 * kp; j++) f64[cn + j] = j < k ? cNorms[j]! : Infinity;
    const stride = (k * d + k) * 8;
    this.windows((r0, rows) => {
      if (sums) this.clearParts(rows);
      this.perBlock('assign', rows, (b0, nb, c) => [at.x + b0 * d * 8, nb, d, at.ct, kp, at.cn, at.lab + b0 * 4, at.part + c * stride, at.part + c * stride + k * d * 8, at.w + b0 * 8, sums ? 1 : 0]);
      labels.set(new Int32Array(exp.memory.buffer, at.lab, rows), r0);
      if (sums) this.addParts(rows, sums, wsum!);
    });
  }
}

/**
 * Centers for the kernel: pairs (2p, 2p+1) as f64x2 per feature, an odd k padded with zeros; the
 * pairs of each full group of four are interleaved feature by feature (64 bytes per feature), the
 * remaining pairs are stored one after the other (16 bytes per feature).
 */
function packCenters(C: Float64Array, k: number, d: number, out: Float64Array, o: number): void {
  const kp = (k + 1) >> 1;
  const kp4 = kp - (kp % 4);
  for (let p = 0; p < kp; p++) {
    for (let l = 0; l < 2; l++) {
      const j = 2 * p + l;
      for (let f = 0; f < d; f++) {
        const at = p < kp4 ? (p - (p % 4)) * d * 2 + (f * 4 + (p % 4)) * 2 + l : p * d * 2 + f * 2 + l;
        out[o + at] = j < k ? C[j * d + f]! : 0;
      }
    }
  }
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;
