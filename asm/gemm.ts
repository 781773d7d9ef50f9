/**
 * WebAssembly SIMD (f64x2) macro-kernel for `src/linalg/kernels.ts`, compiled ahead of time by
 * `scripts/build-wasm.mjs` into `src/linalg/wasmGemm.generated.ts`.
 *
 * Operands are the packed panels of kernels.ts (`packA`: 4-row strips, element (r, p) at
 * strip + 4p + r; `packB`: 4-column strips, element (p, c) at strip + 4p + c), written by the
 * TypeScript side straight into this module's linear memory. Each 4x4 tile keeps eight f64x2
 * accumulators (row r, columns 0-1 and 2-3) and sums over p in increasing order with separate
 * multiply and add (WebAssembly never contracts to FMA), so every element is the bit-identical
 * IEEE result of the scalar TypeScript micro-kernel `micro4x4`. The tile, multiplied by alpha, is
 * stored (not accumulated) into a padded scratch block `cb` that the caller adds into C.
 *
 * No allocation, no runtime: all addresses are byte offsets chosen by the caller.
 */

// @ts-ignore: decorator
@inline
function tile(kb: i32, a: usize, b: usize, c: usize, ldcBytes: usize, al: v128): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(x, b0)); c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(x, b0)); c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(x, b0)); c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(x, b0)); c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a += 32; b += 32;
  }
  v128.store(c, f64x2.mul(al, c00)); v128.store(c, f64x2.mul(al, c01), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c10)); v128.store(c, f64x2.mul(al, c11), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c20)); v128.store(c, f64x2.mul(al, c21), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c30)); v128.store(c, f64x2.mul(al, c31), 16);
}

/**
 * cb[ir.., jr..] = alpha * Ap[mb x kb] * Bp[kb x nb] tile by tile (cb has row stride ldcb doubles,
 * at least nb rounded up to 4; mb and nb are rounded up to whole 4x4 tiles, padding included).
 *
 * `upper` skips tiles strictly below the diagonal of the full product, where the block starts at
 * row ic and column jc (`rowMinusCol` = ic - jc): tile (ir, jr) is computed iff ir + ic <= jr + jc + 3.
 * `tri` declares op(B) upper triangular: with `colMinusDepth` = jc - pc, strip jr only needs depth
 * p < jc + jr + nr - pc and is skipped when that is <= 0. Skipped tiles leave cb untouched.
 */
export function macro(kb: i32, mb: i32, nb: i32, ap: usize, bp: usize, cb: usize, ldcb: i32, alpha: f64, upper: i32, rowMinusCol: i32, tri: i32, colMinusDepth: i32): void {
  const al = f64x2.splat(alpha);
  const ldcBytes = <usize>ldcb << 3;
  const stripBytes = <usize>kb << 5;
  for (let jr = 0; jr < nb; jr += 4) {
    let kEff = kb;
    if (tri) {
      const nr = nb - jr < 4 ? nb - jr : 4;
      const lim = colMinusDepth + jr + nr;
      if (lim <= 0) continue;
      if (lim < kEff) kEff = lim;
    }
    const b = bp + (<usize>(jr >> 2)) * stripBytes;
    for (let ir = 0; ir < mb; ir += 4) {
      if (upper && ir + rowMinusCol > jr + 3) break;
      tile(kEff, ap + (<usize>(ir >> 2)) * stripBytes, b, cb + ((<usize>ir * <usize>ldcb + <usize>jr) << 3), ldcBytes, al);
    }
  }
}

/** `tile` with A read in place: element (r, p) at a + r * rs + p * ps (bytes). */
// @ts-ignore: decorator
@inline
function tileStrided(kb: i32, a: usize, rs: usize, ps: usize, b: usize, c: usize, ldcBytes: usize, al: v128): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const rs2 = rs << 1, rs3 = rs2 + rs;
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(x, b0)); c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a + rs);
    c10 = f64x2.add(c10, f64x2.mul(x, b0)); c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a + rs2);
    c20 = f64x2.add(c20, f64x2.mul(x, b0)); c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a + rs3);
    c30 = f64x2.add(c30, f64x2.mul(x, b0)); c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a += ps; b += 32;
  }
  v128.store(c, f64x2.mul(al, c00)); v128.store(c, f64x2.mul(al, c01), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c10)); v128.store(c, f64x2.mul(al, c11), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c20)); v128.store(c, f64x2.mul(al, c21), 16); c += ldcBytes;
  v128.store(c, f64x2.mul(al, c30)); v128.store(c, f64x2.mul(al, c31), 16);
}

/**
 * `macro` with op(A) not packed but copied as is (row segments) into linear memory: element
 * (r, p) of the block at ap + r * rs + p * ps bytes (rs = 8 * ld, ps = 8 for row-major A;
 * rs = 8, ps = 8 * ld for a transposed A). Rows past mb (up to the next multiple of 4) are read
 * but only feed padding rows of cb, which the caller ignores. Same sums, same order as `macro`.
 */
export function macroStrided(kb: i32, mb: i32, nb: i32, ap: usize, rs: usize, ps: usize, bp: usize, cb: usize, ldcb: i32, alpha: f64, upper: i32, rowMinusCol: i32, tri: i32, colMinusDepth: i32): void {
  const al = f64x2.splat(alpha);
  const ldcBytes = <usize>ldcb << 3;
  const stripBytes = <usize>kb << 5;
  for (let jr = 0; jr < nb; jr += 4) {
    let kEff = kb;
    if (tri) {
      const nr = nb - jr < 4 ? nb - jr : 4;
      const lim = colMinusDepth + jr + nr;
      if (lim <= 0) continue;
      if (lim < kEff) kEff = lim;
    }
    const b = bp + (<usize>(jr >> 2)) * stripBytes;
    for (let ir = 0; ir < mb; ir += 4) {
      if (upper && ir + rowMinusCol > jr + 3) break;
      tileStrided(kEff, ap + <usize>ir * rs, rs, ps, b, cb + ((<usize>ir * <usize>ldcb + <usize>jr) << 3), ldcBytes, al);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Unblocked LU (partial pivoting) and Householder QR for tall, narrow row-major matrices (the
// power iterations of the randomized range finder). Same operations in the same order as the
// TypeScript loops of `src/linalg/factor.ts`, vectorised only across the columns of a row
// (element-wise, so bit-identical); `hypot` is imported from JavaScript's Math.hypot for the same
// reason.

@external("env", "hypot")
declare function jsHypot(a: f64, b: f64): f64;

/** dst[c] -= f * src[c], c < len. */
// @ts-ignore: decorator
@inline
function subScaled(dst: usize, src: usize, f: f64, len: i32): void {
  const fv = f64x2.splat(f);
  let c = 0;
  for (; c + 1 < len; c += 2) {
    const o = <usize>c << 3;
    v128.store(dst + o, f64x2.sub(v128.load(dst + o), f64x2.mul(fv, v128.load(src + o))));
  }
  if (c < len) {
    const o = <usize>c << 3;
    store<f64>(dst + o, load<f64>(dst + o) - f * load<f64>(src + o));
  }
}

/** dst[c] += f * src[c], c < len. */
// @ts-ignore: decorator
@inline
function addScaled(dst: usize, src: usize, f: f64, len: i32): void {
  const fv = f64x2.splat(f);
  let c = 0;
  for (; c + 1 < len; c += 2) {
    const o = <usize>c << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), f64x2.mul(fv, v128.load(src + o))));
  }
  if (c < len) {
    const o = <usize>c << 3;
    store<f64>(dst + o, load<f64>(dst + o) + f * load<f64>(src + o));
  }
}

/**
 * In-place LU with partial pivoting of the m x n row-major matrix at `w` (LAPACK getf2 order: the
 * first row with the largest |value| is swapped up). `perm` (m int32) receives the row permutation.
 */
export function lu(w: usize, m: i32, n: i32, perm: usize): void {
  const k = m < n ? m : n;
  const rowBytes = <usize>n << 3;
  for (let i = 0; i < m; i++) store<i32>(perm + (<usize>i << 2), i);
  for (let j = 0; j < k; j++) {
    const cj = <usize>j << 3;
    let p = j;
    let best = abs<f64>(load<f64>(w + <usize>j * rowBytes + cj));
    for (let i = j + 1; i < m; i++) {
      const v = abs<f64>(load<f64>(w + <usize>i * rowBytes + cj));
      if (v > best) { best = v; p = i; }
    }
    const rj = w + <usize>j * rowBytes;
    if (p != j) {
      const rp = w + <usize>p * rowBytes;
      for (let c = 0; c < n; c++) {
        const o = <usize>c << 3;
        const t = load<f64>(rj + o); store<f64>(rj + o, load<f64>(rp + o)); store<f64>(rp + o, t);
      }
      const pj = perm + (<usize>j << 2), pp = perm + (<usize>p << 2);
      const t = load<i32>(pj); store<i32>(pj, load<i32>(pp)); store<i32>(pp, t);
    }
    const piv = load<f64>(rj + cj);
    if (piv != 0) {
      const inv = 1 / piv;
      const tail = n - j - 1;
      for (let i = j + 1; i < m; i++) {
        const o = w + <usize>i * rowBytes;
        const l = load<f64>(o + cj) * inv;
        store<f64>(o + cj, l);
        if (l != 0) subScaled(o + cj + 8, rj + cj + 8, l, tail);
      }
    }
  }
}

/**
 * In-place Householder QR of the m x n row-major matrix at `w` (LAPACK geqr2 conventions), then
 * the thin Q (m x k, k = min(m, n), row-major at `q`, zero-filled by the caller). On return the
 * upper triangle of w holds R and the part below the diagonal the reflector vectors (their first
 * entry 1 implied); taus (k doubles) the reflector scales (0: column skipped). `tmp` needs n doubles.
 */
export function qr(w: usize, m: i32, n: i32, q: usize, taus: usize, tmp: usize): void {
  const k = m < n ? m : n;
  const rowBytes = <usize>n << 3;
  for (let j = 0; j < k; j++) {
    const cj = <usize>j << 3;
    let xnorm2 = 0.0;
    for (let i = j + 1; i < m; i++) { const v = load<f64>(w + <usize>i * rowBytes + cj); xnorm2 += v * v; }
    const rj = w + <usize>j * rowBytes;
    const alpha = load<f64>(rj + cj);
    if (xnorm2 == 0) { store<f64>(taus + cj, 0); continue; }
    const norm = jsHypot(alpha, Math.sqrt(xnorm2));
    const beta = alpha >= 0 ? -norm : norm;
    const tau = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    store<f64>(taus + cj, tau);
    for (let i = j + 1; i < m; i++) { const a = w + <usize>i * rowBytes + cj; store<f64>(a, load<f64>(a) * scale); }
    const tail = n - j - 1;
    for (let c = j + 1; c < n; c++) store<f64>(tmp + (<usize>c << 3), 0);
    for (let i = j; i < m; i++) {
      const o = w + <usize>i * rowBytes;
      const vi = i == j ? 1.0 : load<f64>(o + cj);
      if (vi == 0) continue;
      addScaled(tmp + cj + 8, o + cj + 8, vi, tail);
    }
    for (let i = j; i < m; i++) {
      const o = w + <usize>i * rowBytes;
      const f = tau * (i == j ? 1.0 : load<f64>(o + cj));
      if (f == 0) continue;
      subScaled(o + cj + 8, tmp + cj + 8, f, tail);
    }
    store<f64>(rj + cj, beta);
  }
  // Q = H_0 ... H_{k-1} I[:, :k], applied backwards
  const qRow = <usize>k << 3;
  for (let i = 0; i < k; i++) store<f64>(q + <usize>i * qRow + (<usize>i << 3), 1);
  for (let j = k - 1; j >= 0; j--) {
    const cj = <usize>j << 3;
    const tau = load<f64>(taus + cj);
    if (tau == 0) continue;
    const len = k - j;
    for (let c = j; c < k; c++) store<f64>(tmp + (<usize>c << 3), 0);
    for (let i = j; i < m; i++) {
      const vi = i == j ? 1.0 : load<f64>(w + <usize>i * rowBytes + cj);
      if (vi == 0) continue;
      addScaled(tmp + cj, q + <usize>i * qRow + cj, vi, len);
    }
    for (let i = j; i < m; i++) {
      const f = tau * (i == j ? 1.0 : load<f64>(w + <usize>i * rowBytes + cj));
      if (f == 0) continue;
      subScaled(q + <usize>i * qRow + cj, tmp + cj, f, len);
    }
  }
}

/**
 * Givens rotation of rows i and i + 1 of the row-major n x n matrix at z (the eigenvector update
 * of the implicit QL iteration in `src/linalg/eigh.ts`): for each k,
 * z[i+1][k] = s z[i][k] + c z[i+1][k], z[i][k] = c z[i][k] - s z[i+1][k] (element-wise, same bits).
 */
export function rotRows(z: usize, i: i32, n: i32, c: f64, s: f64): void {
  const ri = z + ((<usize>i * <usize>n) << 3), ri1 = ri + (<usize>n << 3);
  const cv = f64x2.splat(c), sv = f64x2.splat(s);
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const o = <usize>k << 3;
    const zi = v128.load(ri + o), zh = v128.load(ri1 + o);
    v128.store(ri1 + o, f64x2.add(f64x2.mul(sv, zi), f64x2.mul(cv, zh)));
    v128.store(ri + o, f64x2.sub(f64x2.mul(cv, zi), f64x2.mul(sv, zh)));
  }
  if (k < n) {
    const o = <usize>k << 3;
    const zi = load<f64>(ri + o), zh = load<f64>(ri1 + o);
    store<f64>(ri1 + o, s * zi + c * zh);
    store<f64>(ri + o, c * zi - s * zh);
  }
}
