/**
 * TEMPORARY shim for linalg's float32 `sgemm` (being written on branch h/f32, same signature as
 * `gemm`): the same fixed summation order in plain TypeScript, removed once linalg/sgemm.ts lands.
 */
export function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
): void {
  const fr = Math.fround;
  if (beta !== 1) for (let i = 0; i < m; i++) { if (beta === 0) c.fill(0, i * ldc, i * ldc + n); else for (let j = 0; j < n; j++) c[i * ldc + j] = fr(beta) * c[i * ldc + j]!; }
  if (alpha === 0 || k === 0) return;
  const al = fr(alpha);
  const bp = new Float32Array(Math.min(k, 256) * n);
  const acc = new Float32Array(n);
  for (let pc = 0; pc < k; pc += 256) {
    const kb = Math.min(256, k - pc);
    for (let p = 0; p < kb; p++) {
      if (!transB) bp.set(b.subarray((pc + p) * ldb, (pc + p) * ldb + n), p * n);
      else for (let j = 0; j < n; j++) bp[p * n + j] = b[j * ldb + pc + p]!;
    }
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < kb; p++) {
        const x = transA ? a[(pc + p) * lda + i]! : a[i * lda + pc + p]!;
        for (let j = 0; j < n; j++) acc[j] = acc[j]! + fr(x * bp[p * n + j]!);
      }
      for (let j = 0; j < n; j++) c[i * ldc + j] = c[i * ldc + j]! + fr(al * acc[j]!);
    }
  }
}
