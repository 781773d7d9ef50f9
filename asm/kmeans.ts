/**
 * WebAssembly SIMD (f64x2) k-means kernels for `src/cluster/kmeansKernel.ts` (`KMeansKernel`),
 * compiled ahead of time by `scripts/build-wasm.mjs` into `src/cluster/kmeansWasm.generated.ts`
 * twice: with its own exported memory (one thread) and importing a shared `env.memory` (the row
 * passes split over worker threads, each with its own instance on the same memory).
 *
 * All addresses are byte offsets chosen by the caller (no allocation, no runtime). Every function
 * performs the floating-point operations of the TypeScript fallbacks (`assignNearest`,
 * `distRowsSk`, the loops of `kmeans.ts`) in the same order, with separate multiply and add
 * (WebAssembly never contracts to FMA), so labels, sums, bounds and inertia are bit-identical
 * whichever runs, ties included.
 *
 * Centers for `assign` and `rowDist` come packed in pairs (`packCenters`): f64x2 [c_2p[f], c_2p+1[f]]
 * for pair p and feature f; the pairs of each full group of four interleaved feature by feature
 * (64 bytes per feature), the remaining pairs one after the other (16 bytes per feature); an odd k
 * is padded with a zero center whose squared norm is +Infinity. `kp` = ceil(k / 2) pairs, squared
 * norms at `cnp` (2 kp f64).
 */

// ---------------------------------------------------------------------------------------------
// Lloyd E(+M) step

/** wsum[lab] += w_r; sums[lab] += x_r * w_r (f64x2 over feature pairs, then the odd feature). */
// @ts-ignore: decorator
@inline
function addRow(r: i32, xrow: usize, lab: i32, d8: usize, sump: usize, wsp: usize, wp: usize): void {
  const wi = load<f64>(wp + (<usize>r << 3));
  const wv = f64x2.splat(wi);
  const wo = wsp + (<usize>lab << 3);
  store<f64>(wo, load<f64>(wo) + wi);
  let so = sump + <usize>lab * d8;
  let xo = xrow;
  const end = xrow + d8;
  while (xo + 16 <= end) {
    v128.store(so, f64x2.add(v128.load(so), f64x2.mul(v128.load(xo), wv)));
    so += 16;
    xo += 16;
  }
  if (xo < end) store<f64>(so, load<f64>(so) + load<f64>(xo) * wi);
}

/**
 * The label of a row from its running (even lane, odd lane) minima `bv` and their indices `bi`:
 * the smaller value, the smaller index on a tie (the first index of the minimum, as the scalar
 * loop's strict `<`).
 */
// @ts-ignore: decorator
@inline
function finishLabel(bv: v128, bi: v128): i32 {
  const i0 = <i32>f64x2.extract_lane(bi, 0);
  const v0 = f64x2.extract_lane(bv, 0);
  const i1 = <i32>f64x2.extract_lane(bi, 1);
  const v1 = f64x2.extract_lane(bv, 1);
  return v1 < v0 || (v1 == v0 && i1 < i0) ? i1 : i0;
}

/**
 * For each row i of X (n x d f64 at xp): labels[i] (i32 at labp) = index of the nearest center
 * (packed at ctp, kp pairs, squared norms at cnp), by the smallest -2 x.c + ||c||^2; with mode 1
 * also sums[label] += w_i x_i (k x d at sump) and wsum[label] += w_i (k at wsp; weights at wp).
 *
 * Rows go two at a time against four center pairs (8 f64x2 accumulators, 4 center loads and 2
 * splats per 16 multiply-adds). Each lane keeps the scalar kernel's order (s = 0, s += x[f] c[f],
 * then -2 s + ||c||^2). Each row keeps a running f64x2 (minimum, index) over even and odd centers,
 * updated with a strict `<` mask and bitselect as the pairs come in increasing order.
 */
export function assign(xp: usize, n: i32, d: i32, ctp: usize, kp: i32, cnp: usize, labp: usize, sump: usize, wsp: usize, wp: usize, mode: i32): void {
  assignRows(xp, n, d, ctp, kp, cnp, labp, sump, wsp, wp, mode, 0, 0);
}

/**
 * `assign` (labels only) that also writes each row's squared distance to its center,
 * r[i] = sum over f, in order, of (x[i][f] - c[label_i][f])^2 (plain k x d centers at cp; f64 at
 * rp), while the row is at hand: the per-row terms of `inertia`, whose weighted sum `wdot` then
 * forms in row order (the same bits as `inertia`, without a second pass over X).
 */
export function assignDist(xp: usize, n: i32, d: i32, ctp: usize, kp: i32, cnp: usize, labp: usize, cp: usize, rp: usize): void {
  assignRows(xp, n, d, ctp, kp, cnp, labp, 0, 0, 0, 0, cp, rp);
}

/** sum over rows, in order, of r[i] * w[i] (the outer sum of `inertia`). */
export function wdot(rp: usize, wp: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s = s + load<f64>(rp + (<usize>i << 3)) * load<f64>(wp + (<usize>i << 3));
  return s;
}

/**
 * (x - c)^2 summed over the d8 / 8 features in order (the inner sum of `inertia`) for two rows at
 * once: row x0 against c0 in lane 0, row x1 against c1 in lane 1 (each lane the scalar sum).
 */
// @ts-ignore: decorator
@inline
function rowDist2x2(x0: usize, c0: usize, x1: usize, c1: usize, d8: usize): v128 {
  let r = f64x2.splat(0);
  for (let f: usize = 0; f < d8; f += 8) {
    const xv = v128.load64_lane(x1 + f, v128.load64_zero(x0 + f), 1);
    const cv = v128.load64_lane(c1 + f, v128.load64_zero(c0 + f), 1);
    const t = f64x2.sub(xv, cv);
    r = f64x2.add(r, f64x2.mul(t, t));
  }
  return r;
}

// @ts-ignore: decorator
@inline
function assignRows(xp: usize, n: i32, d: i32, ctp: usize, kp: i32, cnp: usize, labp: usize, sump: usize, wsp: usize, wp: usize, mode: i32, cp: usize, rp: usize): void {
  const m2 = f64x2.splat(-2);
  const inf = f64x2.splat(Infinity);
  const zero = f64x2.splat(0);
  const d8 = <usize>d << 3;
  for (let i = 0; i < n; i += 2) {
    // second row of the pair: i + 1, or i again for the last row of an odd n
    const i1 = i + 1 < n ? i + 1 : i;
    const x0 = xp + <usize>i * d8;
    const x1 = xp + <usize>i1 * d8;
    let c = ctp;
    let g = 0;
    let gi = f64x2(0, 1);
    let b0v = inf, b1v = inf, b0i = zero, b1i = zero;
    for (; g + 4 <= kp; g += 4) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
      let xf0 = x0, xf1 = x1;
      const xe = x0 + d8;
      do {
        const s0 = v128.load64_splat(xf0), s1 = v128.load64_splat(xf1);
        let cv = v128.load(c);
        a0 = f64x2.add(a0, f64x2.mul(s0, cv)); a4 = f64x2.add(a4, f64x2.mul(s1, cv));
        cv = v128.load(c, 16);
        a1 = f64x2.add(a1, f64x2.mul(s0, cv)); a5 = f64x2.add(a5, f64x2.mul(s1, cv));
        cv = v128.load(c, 32);
        a2 = f64x2.add(a2, f64x2.mul(s0, cv)); a6 = f64x2.add(a6, f64x2.mul(s1, cv));
        cv = v128.load(c, 48);
        a3 = f64x2.add(a3, f64x2.mul(s0, cv)); a7 = f64x2.add(a7, f64x2.mul(s1, cv));
        c += 64; xf0 += 8; xf1 += 8;
      } while (xf0 < xe);
      const cn = cnp + (<usize>g << 4);
      // pair q: distances acc * -2 + ||c||^2, merged lane-wise into each row's running minimum
      let id = gi;
      let cv = v128.load(cn);
      let t = f64x2.add(f64x2.mul(a0, m2), cv);
      let mk = f64x2.lt(t, b0v); b0v = v128.bitselect(t, b0v, mk); b0i = v128.bitselect(id, b0i, mk);
      t = f64x2.add(f64x2.mul(a4, m2), cv);
      mk = f64x2.lt(t, b1v); b1v = v128.bitselect(t, b1v, mk); b1i = v128.bitselect(id, b1i, mk);
      id = f64x2.add(gi, f64x2.splat(2));
      cv = v128.load(cn, 16);
      t = f64x2.add(f64x2.mul(a1, m2), cv);
      mk = f64x2.lt(t, b0v); b0v = v128.bitselect(t, b0v, mk); b0i = v128.bitselect(id, b0i, mk);
      t = f64x2.add(f64x2.mul(a5, m2), cv);
      mk = f64x2.lt(t, b1v); b1v = v128.bitselect(t, b1v, mk); b1i = v128.bitselect(id, b1i, mk);
      id = f64x2.add(gi, f64x2.splat(4));
      cv = v128.load(cn, 32);
      t = f64x2.add(f64x2.mul(a2, m2), cv);
      mk = f64x2.lt(t, b0v); b0v = v128.bitselect(t, b0v, mk); b0i = v128.bitselect(id, b0i, mk);
      t = f64x2.add(f64x2.mul(a6, m2), cv);
      mk = f64x2.lt(t, b1v); b1v = v128.bitselect(t, b1v, mk); b1i = v128.bitselect(id, b1i, mk);
      id = f64x2.add(gi, f64x2.splat(6));
      cv = v128.load(cn, 48);
      t = f64x2.add(f64x2.mul(a3, m2), cv);
      mk = f64x2.lt(t, b0v); b0v = v128.bitselect(t, b0v, mk); b0i = v128.bitselect(id, b0i, mk);
      t = f64x2.add(f64x2.mul(a7, m2), cv);
      mk = f64x2.lt(t, b1v); b1v = v128.bitselect(t, b1v, mk); b1i = v128.bitselect(id, b1i, mk);
      gi = f64x2.add(gi, f64x2.splat(8));
    }
    // remaining pairs one at a time (16 bytes per feature)
    for (; g < kp; g++) {
      let a0 = zero, a4 = zero;
      let xf0 = x0, xf1 = x1;
      const xe = x0 + d8;
      do {
        const cv = v128.load(c);
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(xf0), cv));
        a4 = f64x2.add(a4, f64x2.mul(v128.load64_splat(xf1), cv));
        c += 16; xf0 += 8; xf1 += 8;
      } while (xf0 < xe);
      const cv = v128.load(cnp + (<usize>g << 4));
      let t = f64x2.add(f64x2.mul(a0, m2), cv);
      let mk = f64x2.lt(t, b0v); b0v = v128.bitselect(t, b0v, mk); b0i = v128.bitselect(gi, b0i, mk);
      t = f64x2.add(f64x2.mul(a4, m2), cv);
      mk = f64x2.lt(t, b1v); b1v = v128.bitselect(t, b1v, mk); b1i = v128.bitselect(gi, b1i, mk);
      gi = f64x2.add(gi, f64x2.splat(2));
    }
    const best0 = finishLabel(b0v, b0i);
    store<i32>(labp + (<usize>i << 2), best0);
    if (mode) addRow(i, x0, best0, d8, sump, wsp, wp);
    const best1 = finishLabel(b1v, b1i);
    if (rp) {
      const r = rowDist2x2(x0, cp + <usize>best0 * d8, x1, cp + <usize>best1 * d8, d8);
      store<f64>(rp + (<usize>i << 3), f64x2.extract_lane(r, 0));
      if (i1 != i) store<f64>(rp + (<usize>i1 << 3), f64x2.extract_lane(r, 1));
    }
    if (i1 != i) {
      store<i32>(labp + (<usize>i1 << 2), best1);
      if (mode) addRow(i1, x1, best1, d8, sump, wsp, wp);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Data preparation and inertia

/** out[f] += x[i][f] for every row in order (numpy's mean(axis=0) order); f64x2 on feature pairs. */
export function colsum(xp: usize, n: i32, d: i32, outp: usize, auxp: usize): void {
  const d8 = <usize>d << 3;
  const end = xp + <usize>n * d8;
  let xo = xp;
  while (xo < end) {
    let o = outp;
    const oe = outp + d8;
    while (o + 16 <= oe) {
      v128.store(o, f64x2.add(v128.load(o), v128.load(xo)));
      o += 16; xo += 16;
    }
    if (o < oe) {
      store<f64>(o, load<f64>(o) + load<f64>(xo));
      xo += 8;
    }
  }
}

/** t = x[i][f] - mean[f] (mean at auxp); x[i][f] = t; out[f] += t * t. */
export function center(xp: usize, n: i32, d: i32, outp: usize, auxp: usize): void {
  const d8 = <usize>d << 3;
  const end = xp + <usize>n * d8;
  let xo = xp;
  while (xo < end) {
    let o = outp;
    let u = auxp;
    const oe = outp + d8;
    while (o + 16 <= oe) {
      const tv = f64x2.sub(v128.load(xo), v128.load(u));
      v128.store(xo, tv);
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(tv, tv)));
      o += 16; xo += 16; u += 16;
    }
    if (o < oe) {
      const t = load<f64>(xo) - load<f64>(u);
      store<f64>(xo, t);
      store<f64>(o, load<f64>(o) + t * t);
      xo += 8;
    }
  }
}

/** Sum over rows, in order, of w_i * (sum over f, in order, of (x[i][f] - c[label_i][f])^2). */
export function inertia(xp: usize, n: i32, d: i32, cp: usize, labp: usize, wp: usize): f64 {
  const d8 = <usize>d << 3;
  let s: f64 = 0;
  let xo = xp;
  for (let i = 0; i < n; i++) {
    let co = cp + <usize>load<i32>(labp + (<usize>i << 2)) * d8;
    const xe = xo + d8;
    let r: f64 = 0;
    while (xo < xe) {
      const t = load<f64>(xo) - load<f64>(co);
      r = r + t * t;
      xo += 8; co += 8;
    }
    s = s + r * load<f64>(wp + (<usize>i << 3));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Elkan

/**
 * Euclidean distance between the rows at `ap` and `bp` in `distRowsSk` order (scikit-learn's
 * `_euclidean_dense_dense`): s += ((t0^2 + t1^2) + t2^2) + t3^2 over blocks of four features,
 * then the remaining features one by one.
 */
export function dist(ap: usize, bp: usize, d: i32): f64 {
  const a4 = ap + ((<usize>(d >> 2)) << 5);
  const e = ap + (<usize>d << 3);
  let s: f64 = 0;
  while (ap < a4) {
    const t0 = load<f64>(ap) - load<f64>(bp);
    const t1 = load<f64>(ap, 8) - load<f64>(bp, 8);
    const t2 = load<f64>(ap, 16) - load<f64>(bp, 16);
    const t3 = load<f64>(ap, 24) - load<f64>(bp, 24);
    s = s + (t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3);
    ap += 32; bp += 32;
  }
  while (ap < e) {
    const t = load<f64>(ap) - load<f64>(bp);
    s = s + t * t;
    ap += 8; bp += 8;
  }
  return Math.sqrt(s);
}

/** Elkan's initial bounds and labels (scikit-learn's `init_bounds_dense`; centers k x d at cp, half distances k x k at halfp). */
export function elkanInit(xp: usize, n: i32, d: i32, cp: usize, k: i32, halfp: usize, upperp: usize, lowerp: usize, labp: usize): void {
  const d8 = <usize>d << 3;
  for (let i = 0; i < n; i++) {
    const xo = xp + <usize>i * d8;
    const lo = lowerp + ((<usize>i * <usize>k) << 3);
    let label = 0;
    let ub = dist(xo, cp, d);
    store<f64>(lo, ub);
    for (let j = 1; j < k; j++) {
      if (ub > load<f64>(halfp + ((<usize>(label * k + j)) << 3))) {
        const dd = dist(xo, cp + <usize>j * d8, d);
        store<f64>(lo + (<usize>j << 3), dd);
        if (dd < ub) { ub = dd; label = j; }
      }
    }
    store<i32>(labp + (<usize>i << 2), label);
    store<f64>(upperp + (<usize>i << 3), ub);
  }
}

/**
 * One Elkan E-step (`elkanRow` of kmeans.ts for every row: scikit-learn's `_update_chunk_dense`),
 * then with mode 1 the weighted sums per label as `assign`.
 */
export function elkanStep(xp: usize, n: i32, d: i32, cp: usize, k: i32, halfp: usize, nextp: usize, upperp: usize, lowerp: usize, labp: usize, sump: usize, wsp: usize, wp: usize, mode: i32): void {
  const d8 = <usize>d << 3;
  for (let i = 0; i < n; i++) {
    const xo = xp + <usize>i * d8;
    const lo = lowerp + ((<usize>i * <usize>k) << 3);
    const up = upperp + (<usize>i << 3);
    const lp = labp + (<usize>i << 2);
    let ub = load<f64>(up);
    let label = load<i32>(lp);
    if (!(load<f64>(nextp + (<usize>label << 3)) >= ub)) {
      let tight = false;
      for (let j = 0; j < k; j++) {
        if (j != label) {
          const lj = lo + (<usize>j << 3);
          if (ub > load<f64>(lj) && ub > load<f64>(halfp + ((<usize>(label * k + j)) << 3))) {
            if (!tight) {
              ub = dist(xo, cp + <usize>label * d8, d);
              store<f64>(lo + (<usize>label << 3), ub);
              tight = true;
            }
            if (ub > load<f64>(lj) || ub > load<f64>(halfp + ((<usize>(label * k + j)) << 3))) {
              const dd = dist(xo, cp + <usize>j * d8, d);
              store<f64>(lj, dd);
              if (dd < ub) { label = j; ub = dd; }
            }
          }
        }
      }
      store<i32>(lp, label);
      store<f64>(up, ub);
    }
    if (mode) addRow(i, xo, label, d8, sump, wsp, wp);
  }
}

/** After the centers moved by `shift`: upper bounds grow by their center's shift, lower bounds shrink (clipped at 0). */
export function elkanBounds(n: i32, k: i32, shiftp: usize, labp: usize, upperp: usize, lowerp: usize): void {
  let lo = lowerp;
  for (let i = 0; i < n; i++) {
    const up = upperp + (<usize>i << 3);
    store<f64>(up, load<f64>(up) + load<f64>(shiftp + (<usize>load<i32>(labp + (<usize>i << 2)) << 3)));
    for (let j = 0; j < k; j++) {
      const lj = lo + (<usize>j << 3);
      const v = load<f64>(lj) - load<f64>(shiftp + (<usize>j << 3));
      store<f64>(lj, v < 0 ? 0 : v);
    }
    lo += <usize>k << 3;
  }
}

// ---------------------------------------------------------------------------------------------
// k-means++ candidate distances

/** out[(2g + 2q + l) * ldo + row] = lane l of max(0, (acc * -2 + ||c||^2) + ||x_row||^2). */
// @ts-ignore: decorator
@inline
function emitDist(acc: v128, cn: v128, xs: v128, m2: v128, outp: usize, col: i32, n8: usize, row: i32): void {
  let v = f64x2.add(f64x2.add(f64x2.mul(acc, m2), cn), xs);
  v = v128.bitselect(v, f64x2.splat(0), f64x2.gt(v, f64x2.splat(0)));
  const o = outp + (<usize>row << 3) + <usize>col * n8;
  store<f64>(o, f64x2.extract_lane(v, 0));
  store<f64>(o + n8, f64x2.extract_lane(v, 1));
}

/**
 * out[t * ldo + i] = max(0, -2 x_i.c_t + ||c_t||^2 + ||x_i||^2) for the 2 kp packed centers c_t
 * (squared row norms of X at xnp), as `distBlock` in kmeans.ts (k-means++ candidates); the depth
 * loops of `assign`.
 */
export function rowDist(xp: usize, n: i32, d: i32, ctp: usize, kp: i32, cnp: usize, xnp: usize, outp: usize, ldo: i32): void {
  const m2 = f64x2.splat(-2);
  const zero = f64x2.splat(0);
  const d8 = <usize>d << 3;
  const n8 = <usize>ldo << 3;
  for (let i = 0; i < n; i += 2) {
    const i1 = i + 1 < n ? i + 1 : i;
    const x0 = xp + <usize>i * d8;
    const x1 = xp + <usize>i1 * d8;
    const xs0 = v128.load64_splat(xnp + (<usize>i << 3));
    const xs1 = v128.load64_splat(xnp + (<usize>i1 << 3));
    let c = ctp;
    let g = 0;
    for (; g + 4 <= kp; g += 4) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
      let xf0 = x0, xf1 = x1;
      const xe = x0 + d8;
      do {
        const s0 = v128.load64_splat(xf0), s1 = v128.load64_splat(xf1);
        let cv = v128.load(c);
        a0 = f64x2.add(a0, f64x2.mul(s0, cv)); a4 = f64x2.add(a4, f64x2.mul(s1, cv));
        cv = v128.load(c, 16);
        a1 = f64x2.add(a1, f64x2.mul(s0, cv)); a5 = f64x2.add(a5, f64x2.mul(s1, cv));
        cv = v128.load(c, 32);
        a2 = f64x2.add(a2, f64x2.mul(s0, cv)); a6 = f64x2.add(a6, f64x2.mul(s1, cv));
        cv = v128.load(c, 48);
        a3 = f64x2.add(a3, f64x2.mul(s0, cv)); a7 = f64x2.add(a7, f64x2.mul(s1, cv));
        c += 64; xf0 += 8; xf1 += 8;
      } while (xf0 < xe);
      const cn = cnp + (<usize>g << 4);
      const col = g << 1;
      emitDist(a0, v128.load(cn), xs0, m2, outp, col, n8, i); emitDist(a4, v128.load(cn), xs1, m2, outp, col, n8, i1);
      emitDist(a1, v128.load(cn, 16), xs0, m2, outp, col + 2, n8, i); emitDist(a5, v128.load(cn, 16), xs1, m2, outp, col + 2, n8, i1);
      emitDist(a2, v128.load(cn, 32), xs0, m2, outp, col + 4, n8, i); emitDist(a6, v128.load(cn, 32), xs1, m2, outp, col + 4, n8, i1);
      emitDist(a3, v128.load(cn, 48), xs0, m2, outp, col + 6, n8, i); emitDist(a7, v128.load(cn, 48), xs1, m2, outp, col + 6, n8, i1);
    }
    for (; g < kp; g++) {
      let a0 = zero, a4 = zero;
      let xf0 = x0, xf1 = x1;
      const xe = x0 + d8;
      do {
        const cv = v128.load(c);
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(xf0), cv));
        a4 = f64x2.add(a4, f64x2.mul(v128.load64_splat(xf1), cv));
        c += 16; xf0 += 8; xf1 += 8;
      } while (xf0 < xe);
      const cn = v128.load(cnp + (<usize>g << 4));
      emitDist(a0, cn, xs0, m2, outp, g << 1, n8, i);
      emitDist(a4, cn, xs1, m2, outp, g << 1, n8, i1);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// k-means++ seeding step (candidate distances, minimum with the current closest distances, sums)

/**
 * numpy's pairwise summation of the n f64 at p (`ndarray.sum()` of a contiguous array, as
 * `pairwiseSum` of core/numeric.ts): blocks of up to 128 with eight accumulators (here four f64x2,
 * lane-wise the same sums), combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)); larger ranges split in
 * halves rounded down to a multiple of 8.
 */
export function pwsum(p: usize, n: i32): f64 {
  if (n < 8) {
    let res: f64 = 0;
    for (let i = 0; i < n; i++) res = res + load<f64>(p + (<usize>i << 3));
    return res;
  }
  if (n <= 128) {
    let v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    const n8 = n - (n % 8);
    let i = 8;
    for (; i < n8; i += 8) {
      const q = p + (<usize>i << 3);
      v0 = f64x2.add(v0, v128.load(q)); v1 = f64x2.add(v1, v128.load(q, 16));
      v2 = f64x2.add(v2, v128.load(q, 32)); v3 = f64x2.add(v3, v128.load(q, 48));
    }
    let res = ((f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1)) + (f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1)))
      + ((f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1)) + (f64x2.extract_lane(v3, 0) + f64x2.extract_lane(v3, 1)));
    for (; i < n; i++) res = res + load<f64>(p + (<usize>i << 3));
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return pwsum(p, n2) + pwsum(p + (<usize>n2 << 3), n - n2);
}

/**
 * One k-means++ step on the n rows at xp (a subtree of numpy's pairwise summation over all rows):
 * the squared distances to the m candidates (packed as for `rowDist`, output stride ldo), each
 * lowered to the current closest distance (f64 at closestp: `if (closest < dist) dist = closest`,
 * as `_kmeans_plusplus`'s np.minimum), and the pairwise sum of each candidate's distances over
 * these rows to sums[t] (f64 at sumsp + 8 t * sstride).
 */
export function seedStep(xp: usize, n: i32, d: i32, ctp: usize, kp: i32, cnp: usize, xnp: usize, closestp: usize, outp: usize, ldo: i32, m: i32, sumsp: usize, sstride: i32): void {
  rowDist(xp, n, d, ctp, kp, cnp, xnp, outp, ldo);
  for (let t = 0; t < m; t++) {
    const o = outp + ((<usize>t * <usize>ldo) << 3);
    for (let i = 0; i < n; i++) {
      const q = o + (<usize>i << 3);
      const c = load<f64>(closestp + (<usize>i << 3));
      if (c < load<f64>(q)) store<f64>(q, c);
    }
    store<f64>(sumsp + ((<usize>t * <usize>sstride) << 3), pwsum(o, n));
  }
}

// ---------------------------------------------------------------------------------------------
// MiniBatchKMeans

/**
 * scikit-learn's `_minibatch_update_dense` for the n batch rows at xp (weights at wp, labels at
 * labp) and k centers (old at cop, new at cnp, k x d; counts at cntp, batch weights per center
 * out to wsump): per center with weight, new = old * count + the sum of its rows times their
 * weights in row order, times 1 / (count + weight); a center without weight keeps its old value.
 * One pass over the rows (each center still receives its rows in row order: the same sums).
 */
export function mbUpdate(xp: usize, n: i32, d: i32, wp: usize, labp: usize, cop: usize, cnp: usize, cntp: usize, k: i32, wsump: usize): void {
  const d8 = <usize>d << 3;
  for (let c = 0; c < k; c++) store<f64>(wsump + (<usize>c << 3), 0);
  for (let i = 0; i < n; i++) {
    const q = wsump + (<usize>load<i32>(labp + (<usize>i << 2)) << 3);
    store<f64>(q, load<f64>(q) + load<f64>(wp + (<usize>i << 3)));
  }
  for (let c = 0; c < k; c++) {
    const o = <usize>c * d8;
    if (load<f64>(wsump + (<usize>c << 3)) > 0) {
      const cnt = load<f64>(cntp + (<usize>c << 3));
      for (let f: usize = 0; f < d8; f += 8) store<f64>(cnp + o + f, load<f64>(cop + o + f) * cnt);
    } else {
      for (let f: usize = 0; f < d8; f += 8) store<f64>(cnp + o + f, load<f64>(cop + o + f));
    }
  }
  for (let i = 0; i < n; i++) {
    const c = load<i32>(labp + (<usize>i << 2));
    if (!(load<f64>(wsump + (<usize>c << 3)) > 0)) continue;
    const wi = load<f64>(wp + (<usize>i << 3));
    const wv = f64x2.splat(wi);
    let so = cnp + <usize>c * d8;
    let xo = xp + <usize>i * d8;
    const end = xo + d8;
    while (xo + 16 <= end) {
      v128.store(so, f64x2.add(v128.load(so), f64x2.mul(v128.load(xo), wv)));
      so += 16; xo += 16;
    }
    if (xo < end) store<f64>(so, load<f64>(so) + load<f64>(xo) * wi);
  }
  for (let c = 0; c < k; c++) {
    const ws = load<f64>(wsump + (<usize>c << 3));
    if (!(ws > 0)) continue;
    const cq = cntp + (<usize>c << 3);
    const cnt = load<f64>(cq) + ws;
    store<f64>(cq, cnt);
    const alpha = 1 / cnt;
    const o = cnp + <usize>c * d8;
    for (let f: usize = 0; f < d8; f += 8) store<f64>(o + f, load<f64>(o + f) * alpha);
  }
}

/**
 * Rows idx[t] (i32 at idxp, t < m) of the resident X (at xp, d columns) copied to outp (m x d) in
 * that order, and their weights (f64 at wp) to woutp: numpy's `X[idx]`, row by row with f64x2
 * loads (short, independent copies, so many rows' cache misses are in flight at once).
 */
export function gather(xp: usize, d: i32, wp: usize, idxp: usize, m: i32, outp: usize, woutp: usize): void {
  const d8 = <usize>d << 3;
  let o = outp;
  for (let t = 0; t < m; t++) {
    const r = <usize>load<i32>(idxp + (<usize>t << 2));
    let s = xp + r * d8;
    const e = s + d8;
    while (s + 16 <= e) {
      v128.store(o, v128.load(s));
      s += 16; o += 16;
    }
    if (s < e) {
      store<f64>(o, load<f64>(s));
      o += 8;
    }
    store<f64>(woutp + (<usize>t << 3), load<f64>(wp + (r << 3)));
  }
}

/**
 * One MiniBatchKMeans step (scikit-learn's `_mini_batch_step` without the reassignment) on the m
 * rows idx (i32 at idxp) of the resident X: `gather` to the batch (bxp, weights bwp), `assign`
 * (labels to blabp; centers packed at ctp / cnp), the batch inertia against the plain centers at
 * cop (returned; per-row terms at brp, as `assignDist` + `wdot`), and `mbUpdate` (new centers to cnewp, counts at cntp, batch weights per center
 * to wsump). The same functions, in the same order, as the separate calls.
 */
export function mbStep(xp: usize, d: i32, wp: usize, idxp: usize, m: i32, bxp: usize, bwp: usize, blabp: usize, ctp: usize, kp: i32, cnp: usize,
  cop: usize, cnewp: usize, cntp: usize, k: i32, wsump: usize, brp: usize): f64 {
  gather(xp, d, wp, idxp, m, bxp, bwp);
  assignDist(bxp, m, d, ctp, kp, cnp, blabp, cop, brp);
  const s = wdot(brp, bwp, m);
  mbUpdate(bxp, m, d, bwp, blabp, cop, cnewp, cntp, k, wsump);
  return s;
}

/**
 * 1 when the len f64 at p are all finite, else 0: x - x is 0 for a finite x and NaN for NaN and
 * +-Infinity, and a NaN stays NaN through the sums (four f64x2 accumulators).
 */
export function allFinite(p: usize, len: i32): i32 {
  const zero = f64x2.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  const e = p + (<usize>len << 3);
  let q = p;
  while (q + 64 <= e) {
    let v = v128.load(q); a0 = f64x2.add(a0, f64x2.sub(v, v));
    v = v128.load(q, 16); a1 = f64x2.add(a1, f64x2.sub(v, v));
    v = v128.load(q, 32); a2 = f64x2.add(a2, f64x2.sub(v, v));
    v = v128.load(q, 48); a3 = f64x2.add(a3, f64x2.sub(v, v));
    q += 64;
  }
  let s: f64 = 0;
  while (q < e) {
    const x = load<f64>(q);
    s = s + (x - x);
    q += 8;
  }
  const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  s = s + f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  return s == 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// MT19937 (numpy's RandomState) for MiniBatchKMeans' batch indices

const MT_N = 624;
const MT_M = 397;

/** The next 624 words of the MT19937 state at mtp (numpy's `mt19937_gen`, as `generate` of core/random.ts). */
function mtGenerate(mtp: usize): void {
  let kk = 0;
  let y: u32;
  for (; kk < MT_N - MT_M; kk++) {
    const q = mtp + (<usize>kk << 2);
    y = (load<u32>(q) & 0x80000000) | (load<u32>(q, 4) & 0x7fffffff);
    store<u32>(q, load<u32>(q + (<usize>MT_M << 2)) ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0));
  }
  for (; kk < MT_N - 1; kk++) {
    const q = mtp + (<usize>kk << 2);
    y = (load<u32>(q) & 0x80000000) | (load<u32>(q, 4) & 0x7fffffff);
    store<u32>(q, load<u32>(q - (<usize>(MT_N - MT_M) << 2)) ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0));
  }
  const q = mtp + (<usize>(MT_N - 1) << 2);
  y = (load<u32>(q) & 0x80000000) | (load<u32>(mtp) & 0x7fffffff);
  store<u32>(q, load<u32>(mtp + (<usize>(MT_M - 1) << 2)) ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0));
}

/**
 * numpy's `RandomState.randint(0, rng + 1, m)` for 0 < rng < 2**32 - 1 (masked rejection: the
 * tempered word & mask, redrawn while > rng), as i32 to outp; the MT19937 state is 624 u32 at mtp
 * and the position an i32 at posp (both updated). The draws of `randint` of core/random.ts.
 */
export function mtRandint(mtp: usize, posp: usize, rng: u32, mask: u32, m: i32, outp: usize): void {
  let pos = load<i32>(posp);
  for (let t = 0; t < m; t++) {
    let v: u32;
    do {
      if (pos >= MT_N) {
        mtGenerate(mtp);
        pos = 0;
      }
      let y = load<u32>(mtp + (<usize>pos << 2));
      pos++;
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      v = y & mask;
    } while (v > rng);
    store<i32>(outp + (<usize>t << 2), <i32>v);
  }
  store<i32>(posp, pos);
}
