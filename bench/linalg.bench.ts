/** gemm GFLOP/s: deepmine (packed 4x4 micro-kernel, 1 thread and all threads) vs numpy (OpenBLAS) on the same machine. */
import { RandomState } from '../src/core/random.js';
import { gemm, syrk } from '../src/linalg/blas.js';
import { linalgThreads, setLinalgThreads } from '../src/linalg/threads.js';
import { runPython, timeit } from './util.js';

const rs = new RandomState(0);
const rows: { task: string; impl: string; ms: number | null; gflops: number | null }[] = [];
const N = 1024;
const a = rs.standardNormal(N * N) as Float64Array, b = rs.standardNormal(N * N) as Float64Array, c = new Float64Array(N * N);
const flops = 2 * N ** 3;
const all = linalgThreads();
for (const t of [1, all]) {
  setLinalgThreads(t);
  const ms = await timeit(() => gemm(false, false, N, N, N, 1, a, N, b, N, 0, c, N), { repeat: 5, warmup: 2 });
  rows.push({ task: `gemm ${N}x${N}x${N}`, impl: `deepmine (${t} thread${t > 1 ? 's' : ''})`, ms, gflops: flops / ms / 1e6 });
}
const n = 50000, d = 200, x = rs.standardNormal(n * d) as Float64Array, g = new Float64Array(d * d);
for (const t of [1, all]) {
  setLinalgThreads(t);
  const ms = await timeit(() => syrk(true, d, n, 1, x, d, 0, g, d), { repeat: 3 });
  rows.push({ task: `syrk X^T X, X ${n}x${d}`, impl: `deepmine (${t} thread${t > 1 ? 's' : ''})`, ms, gflops: (n * d * d) / ms / 1e6 });
}
setLinalgThreads(null);
const py = runPython<{ gemm: number; syrk: number }>(`
import json, time, numpy as np
a = np.random.randn(${N}, ${N}); b = np.random.randn(${N}, ${N}); x = np.random.randn(${n}, ${d})
def t(f, r=5):
    f(); ts = []
    for _ in range(r):
        s = time.perf_counter(); f(); ts.append((time.perf_counter() - s) * 1000)
    return sorted(ts)[len(ts) // 2]
print(json.dumps({'gemm': t(lambda: a @ b), 'syrk': t(lambda: x.T @ x, 3)}))`, ['numpy']);
rows.push({ task: `gemm ${N}x${N}x${N}`, impl: 'numpy (OpenBLAS, all threads)', ms: py?.gemm ?? null, gflops: py ? flops / py.gemm / 1e6 : null });
rows.push({ task: `syrk X^T X, X ${n}x${d}`, impl: 'numpy x.T @ x (OpenBLAS)', ms: py?.syrk ?? null, gflops: py ? (n * d * d) / py.syrk / 1e6 : null });

console.log('\n### Dense products (GFLOP/s counts 2 flops per multiply-add; syrk counts n d^2, the symmetric half, for both)\n');
console.log('| task | implementation | time (ms) | GFLOP/s | ratio vs numpy |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) {
  const np = rows.find((q) => q.task === r.task && q.impl.startsWith('numpy'))?.ms;
  console.log(`| ${r.task} | ${r.impl} | ${r.ms == null ? 'n/a' : r.ms.toFixed(1)} | ${r.gflops == null ? 'n/a' : r.gflops.toFixed(2)} | ${r.ms != null && np ? (np / r.ms).toFixed(2) + 'x speed' : ''} |`);
}
