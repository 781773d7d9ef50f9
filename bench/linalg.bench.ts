/**
 * gemm / sgemm / syrk GFLOP/s: deepmine's WebAssembly SIMD kernel and its pure-TypeScript fallback (both
 * packed GotoBLAS blocking, 1 thread and all threads) vs numpy (OpenBLAS) on the same machine.
 * Each figure is the best of several runs (other processes may share the cores); the median is
 * printed beside it, and the load average before and after. The float32 `sgemm` (f32x4 SIMD) is
 * timed beside numpy float32 and float64 and our float64 gemm in the same run.
 */
import { loadavg } from 'node:os';
import { RandomState } from '../src/core/random.js';
import { gemm, syrk } from '../src/linalg/blas.js';
import { sgemm } from '../src/linalg/sgemm.js';
import { linalgThreads, setLinalgThreads, sharedFloat64 } from '../src/linalg/threads.js';
import { setLinalgBackend, wasmAvailable } from '../src/linalg/wasm.js';
import { runPython } from './util.js';

function bestAndMedian(fn: () => void, repeat: number, warmup = 2): { best: number; median: number } {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  return { best: ts[0]!, median: ts[Math.floor(ts.length / 2)]! };
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();
const rs = new RandomState(0);
const rows: { task: string; impl: string; best: number | null; median: number | null; flops: number }[] = [];
const N = 1024;
const a = rs.standardNormal(N * N) as Float64Array, b = rs.standardNormal(N * N) as Float64Array, c = new Float64Array(N * N);
const gemmTask = `gemm ${N}x${N}x${N}`, gemmFlops = 2 * N ** 3;
const a32 = Float32Array.from(a), b32 = Float32Array.from(b), c32 = new Float32Array(N * N);
const sgemmTask = `float32 sgemm ${N}x${N}x${N}`;
// X on a SharedArrayBuffer, as PCA allocates it, so that worker threads read it without a copy
const n = 50000, d = 200, x = sharedFloat64(n * d), g = new Float64Array(d * d);
x.set(rs.standardNormal(n * d) as Float64Array);
const syrkTask = `syrk X^T X, X ${n}x${d}`, syrkFlops = n * d * d;
// the narrow products of PCA's randomized range finder (X Q and X^T L with 20 columns)
const s = 20, q = rs.standardNormal(d * s) as Float64Array, l = rs.standardNormal(n * s) as Float64Array;
const y = new Float64Array(n * s), z = new Float64Array(d * s);
const narrowTask = `X Q + X^T L, X ${n}x${d}, ${s} columns`, narrowFlops = 2 * 2 * n * d * s;
const all = linalgThreads();
const backends = wasmAvailable() ? (['wasm', 'ts'] as const) : (['ts'] as const);
for (const backend of backends) {
  setLinalgBackend(backend);
  for (const t of [1, all]) {
    setLinalgThreads(t);
    const label = `deepmine ${backend === 'wasm' ? 'WASM SIMD' : 'TS'} (${t} thread${t > 1 ? 's' : ''})`;
    const r = bestAndMedian(() => gemm(false, false, N, N, N, 1, a, N, b, N, 0, c, N), backend === 'wasm' ? 15 : 5);
    rows.push({ task: gemmTask, impl: label, ...r, flops: gemmFlops });
    const r32 = bestAndMedian(() => sgemm(false, false, N, N, N, 1, a32, N, b32, N, 0, c32, N), backend === 'wasm' ? 15 : 3, backend === 'wasm' ? 2 : 1);
    rows.push({ task: sgemmTask, impl: label.replace('WASM SIMD', 'WASM f32x4 SIMD'), ...r32, flops: gemmFlops });
    const sy = bestAndMedian(() => syrk(true, d, n, 1, x, d, 0, g, d), 7, 1);
    rows.push({ task: syrkTask, impl: label, ...sy, flops: syrkFlops });
    const nw = bestAndMedian(() => { gemm(false, false, n, s, d, 1, x, d, q, s, 0, y, s); gemm(true, false, d, s, n, 1, x, d, l, s, 0, z, s); }, 7, 1);
    rows.push({ task: narrowTask, impl: label, ...nw, flops: narrowFlops });
  }
}
setLinalgBackend('auto');
setLinalgThreads(null);
const py = runPython<{ gemm: [number, number]; sgemm: [number, number]; syrk: [number, number]; narrow: [number, number] }>(`
import json, time, numpy as np
a = np.random.randn(${N}, ${N}); b = np.random.randn(${N}, ${N}); a32 = a.astype(np.float32); b32 = b.astype(np.float32); x = np.random.randn(${n}, ${d})
q = np.random.randn(${d}, ${s}); l = np.random.randn(${n}, ${s})
def t(f, r=9):
    f(); f(); ts = []
    for _ in range(r):
        s = time.perf_counter(); f(); ts.append((time.perf_counter() - s) * 1000)
    ts.sort()
    return [ts[0], ts[len(ts) // 2]]
print(json.dumps({'gemm': t(lambda: a @ b, 15), 'sgemm': t(lambda: a32 @ b32, 15), 'syrk': t(lambda: x.T @ x, 7), 'narrow': t(lambda: (x @ q, x.T @ l), 7)}))`, ['numpy']);
rows.push({ task: gemmTask, impl: 'numpy (OpenBLAS, all threads)', best: py?.gemm[0] ?? null, median: py?.gemm[1] ?? null, flops: gemmFlops });
rows.push({ task: sgemmTask, impl: 'numpy float32 (OpenBLAS sgemm, all threads)', best: py?.sgemm[0] ?? null, median: py?.sgemm[1] ?? null, flops: gemmFlops });
rows.push({ task: sgemmTask, impl: 'numpy float64 (OpenBLAS dgemm, all threads), for scale', best: py?.gemm[0] ?? null, median: py?.gemm[1] ?? null, flops: gemmFlops });
rows.push({ task: sgemmTask, impl: 'deepmine float64 gemm WASM (all threads), for scale', best: rows.find((q) => q.task === gemmTask && q.impl === `deepmine WASM SIMD (${all} threads)`)?.best ?? null, median: rows.find((q) => q.task === gemmTask && q.impl === `deepmine WASM SIMD (${all} threads)`)?.median ?? null, flops: gemmFlops });
rows.push({ task: syrkTask, impl: 'numpy x.T @ x (OpenBLAS)', best: py?.syrk[0] ?? null, median: py?.syrk[1] ?? null, flops: syrkFlops });
rows.push({ task: narrowTask, impl: 'numpy (OpenBLAS)', best: py?.narrow[0] ?? null, median: py?.narrow[1] ?? null, flops: narrowFlops });

console.log(`\n### Dense products (GFLOP/s from the best run; 2 flops per multiply-add; syrk counts n d^2, the symmetric half, for both)\n`);
console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after; ${all} hardware threads\n`);
console.log('| task | implementation | best (ms) | median (ms) | GFLOP/s | ratio vs numpy |');
console.log('|---|---|---:|---:|---:|---:|');
const order = [gemmTask, sgemmTask, syrkTask, narrowTask];
const rowsSorted = [...rows].sort((u, v) => order.indexOf(u.task) - order.indexOf(v.task));
for (const r of rowsSorted) {
  // the first numpy row of a task is the reference (float32 for sgemm)
  const np = rows.find((q) => q.task === r.task && q.impl.startsWith('numpy'))?.best;
  const f = (v: number | null) => (v == null ? 'n/a' : v.toFixed(1));
  console.log(`| ${r.task} | ${r.impl} | ${f(r.best)} | ${f(r.median)} | ${r.best == null ? 'n/a' : (r.flops / r.best / 1e6).toFixed(2)} | ${r.best != null && np ? (np / r.best).toFixed(2) + 'x speed' : ''} |`);
}
