/**
 * Element-wise float32 net kernels (AssemblyScript, compiled to `src/nn/wasmNnops.generated.ts` by
 * `scripts/build-wasm.mjs`): the Adam step, the ReLU pair and the bias-gradient column sums of the
 * float32 nets, on arrays the caller copies into this module's linear memory.
 *
 * Every kernel gives the bits of the TypeScript loop it replaces (src/nn/optimizers.ts,
 * activations.ts, kernels.ts), which reads float32 values, computes in float64 and rounds once on
 * the Float32Array store:
 *  - `adam` promotes two lanes to f64x2, runs the same float64 operations in the same order and
 *    demotes (round to nearest, as Math.fround) before each store; the updated m and v are re-read
 *    rounded, as the TS loop reads them back from their Float32Arrays.
 *  - `reluFwd`/`reluBwd`: v * (v > 0 ? 1 : 0) in f32x4 (a product with 1 or 0 is exact: -0 for
 *    negative v and NaN for NaN, as in TS).
 *  - `colSum`: s[j] = fl32(s[j] + x[i, j]) for i increasing (a float32 sum rounded from the double
 *    sum of two float32 values equals the IEEE float32 sum).
 * No allocation, no runtime: addresses are byte offsets chosen by the caller; lengths are padded
 * by the caller to whole vectors (the padding lanes are computed and ignored).
 */

// @ts-ignore: decorator
@inline
function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// @ts-ignore: decorator
@inline
function st2(p: usize, x: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

/**
 * Keras Adam on n float32 values (n even): m += (g - m) c1; v += (g^2 - v) c2;
 * w -= (m alpha) / (sqrt(v) + eps), with c1 = 1 - beta1, c2 = 1 - beta2 and alpha the
 * bias-corrected rate, all in float64 and rounded to float32 at each store.
 */
export function adam(n: i32, w: usize, g: usize, m: usize, v: usize, c1: f64, c2: f64, alpha: f64, eps: f64): void {
  const C1 = f64x2.splat(c1), C2 = f64x2.splat(c2), AL = f64x2.splat(alpha), EP = f64x2.splat(eps);
  const end = <usize>n << 2;
  for (let o: usize = 0; o < end; o += 8) {
    const gi = ld2(g + o);
    const mi = ld2(m + o);
    st2(m + o, f64x2.add(mi, f64x2.mul(f64x2.sub(gi, mi), C1)));
    const vi = ld2(v + o);
    st2(v + o, f64x2.add(vi, f64x2.mul(f64x2.sub(f64x2.mul(gi, gi), vi), C2)));
    const mr = ld2(m + o), vr = ld2(v + o), wi = ld2(w + o);
    st2(w + o, f64x2.sub(wi, f64x2.div(f64x2.mul(mr, AL), f64x2.add(f64x2.sqrt(vr), EP))));
  }
}

/** a = z * (z > 0) on n float32 values (n a multiple of 4). */
export function reluFwd(n: i32, z: usize, a: usize): void {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  const end = <usize>n << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const x = v128.load(z + o);
    v128.store(a + o, f32x4.mul(x, v128.and(f32x4.gt(x, zero), one)));
  }
}

/** gz = ga * (z > 0) on n float32 values (n a multiple of 4). */
export function reluBwd(n: i32, z: usize, ga: usize, gz: usize): void {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  const end = <usize>n << 2;
  for (let o: usize = 0; o < end; o += 16) {
    v128.store(gz + o, f32x4.mul(v128.load(ga + o), v128.and(f32x4.gt(v128.load(z + o), zero), one)));
  }
}

/** s[j] += x[i, j] for i < rows, j < cols (cols a multiple of 4, row stride cols), float32 sums. */
export function colSum(rows: i32, cols: i32, x: usize, s: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let j: usize = 0; j < rowBytes; j += 16) {
    let acc = v128.load(s + j);
    let p = x + j;
    for (let i = 0; i < rows; i++) { acc = f32x4.add(acc, v128.load(p)); p += rowBytes; }
    v128.store(s + j, acc);
  }
}

// @ts-ignore: decorator
@inline
function rnd(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

/**
 * Small float32 products with a float32 rounding after every step, the value sequence of the
 * TypeScript layer loops (src/nn/kernels.ts): out[r, c] = s with s = init[c] (or 0), then
 * s = fl32(s + A(r, p) B(p, c)) for p < P increasing (product and sum in float64, one rounding).
 * A(r, p) at a + r ars + p ast, B(p, c) at b + p bst + 4c (bytes), out row stride ldo floats.
 * Each sum is a chain of dependent add-round steps, so the kernel keeps eight chains in flight:
 * 4 x 4 tiles (eight f64x2 accumulators); the last C % 4 columns four rows at a time; then
 * the last R % 4 rows one cell at a time.
 */
export function smallGemm(R: i32, C: i32, P: i32, a: usize, ars: usize, ast: usize, b: usize, bst: usize, init: usize, out: usize, ldo: i32): void {
  const ldoB = <usize>ldo << 2;
  const R4 = R & ~3, C4 = C & ~3;
  for (let r = 0; r < R4; r += 4) {
    const ar = a + <usize>r * ars;
    for (let c = 0; c < C4; c += 4) {
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      if (init) {
        const iv = v128.load(init + (<usize>c << 2));
        s0 = f64x2.promote_low_f32x4(iv);
        s1 = f64x2.promote_low_f32x4(v128.shuffle<u32>(iv, iv, 2, 3, 0, 1));
      }
      let t0 = s0, t1 = s1, u0 = s0, u1 = s1, w0 = s0, w1 = s1;
      let pa = ar, pb = b + (<usize>c << 2);
      for (let p = 0; p < P; p++) {
        const bv = v128.load(pb);
        const b0 = f64x2.promote_low_f32x4(bv), b1 = f64x2.promote_low_f32x4(v128.shuffle<u32>(bv, bv, 2, 3, 0, 1));
        let x = f64x2.splat(<f64>load<f32>(pa));
        s0 = rnd(f64x2.add(s0, f64x2.mul(x, b0))); s1 = rnd(f64x2.add(s1, f64x2.mul(x, b1)));
        x = f64x2.splat(<f64>load<f32>(pa + ars));
        t0 = rnd(f64x2.add(t0, f64x2.mul(x, b0))); t1 = rnd(f64x2.add(t1, f64x2.mul(x, b1)));
        x = f64x2.splat(<f64>load<f32>(pa + 2 * ars));
        u0 = rnd(f64x2.add(u0, f64x2.mul(x, b0))); u1 = rnd(f64x2.add(u1, f64x2.mul(x, b1)));
        x = f64x2.splat(<f64>load<f32>(pa + 3 * ars));
        w0 = rnd(f64x2.add(w0, f64x2.mul(x, b0))); w1 = rnd(f64x2.add(w1, f64x2.mul(x, b1)));
        pa += ast; pb += bst;
      }
      let o = out + <usize>r * ldoB + (<usize>c << 2);
      v128.store64_lane(o, f32x4.demote_f64x2_zero(s0), 0); v128.store64_lane(o + 8, f32x4.demote_f64x2_zero(s1), 0); o += ldoB;
      v128.store64_lane(o, f32x4.demote_f64x2_zero(t0), 0); v128.store64_lane(o + 8, f32x4.demote_f64x2_zero(t1), 0); o += ldoB;
      v128.store64_lane(o, f32x4.demote_f64x2_zero(u0), 0); v128.store64_lane(o + 8, f32x4.demote_f64x2_zero(u1), 0); o += ldoB;
      v128.store64_lane(o, f32x4.demote_f64x2_zero(w0), 0); v128.store64_lane(o + 8, f32x4.demote_f64x2_zero(w1), 0);
    }
    for (let c = C4; c < C; c++) {
      const cb = <usize>c << 2;
      let s0: f64 = init ? <f64>load<f32>(init + cb) : 0;
      let s1 = s0, s2 = s0, s3 = s0;
      let pa = ar, pb = b + cb;
      for (let p = 0; p < P; p++) {
        const w = <f64>load<f32>(pb);
        s0 = <f64><f32>(s0 + <f64>load<f32>(pa) * w);
        s1 = <f64><f32>(s1 + <f64>load<f32>(pa + ars) * w);
        s2 = <f64><f32>(s2 + <f64>load<f32>(pa + 2 * ars) * w);
        s3 = <f64><f32>(s3 + <f64>load<f32>(pa + 3 * ars) * w);
        pa += ast; pb += bst;
      }
      const o = out + <usize>r * ldoB + cb;
      store<f32>(o, <f32>s0); store<f32>(o + ldoB, <f32>s1); store<f32>(o + 2 * ldoB, <f32>s2); store<f32>(o + 3 * ldoB, <f32>s3);
    }
  }
  for (let r = R4; r < R; r++) for (let c = 0; c < C; c++) cell(r, c, P, a, ars, ast, b, bst, init, out, ldoB);
}

function cell(r: i32, c: i32, P: i32, a: usize, ars: usize, ast: usize, b: usize, bst: usize, init: usize, out: usize, ldoB: usize): void {
  let s: f64 = init ? <f64>load<f32>(init + (<usize>c << 2)) : 0;
  let pa = a + <usize>r * ars, pb = b + (<usize>c << 2);
  for (let p = 0; p < P; p++) { s = <f64><f32>(s + <f64>load<f32>(pa) * <f64>load<f32>(pb)); pa += ast; pb += bst; }
  store<f32>(out + <usize>r * ldoB + (<usize>c << 2), <f32>s);
}
