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
