/**
 * The float32 net kernels of `asm/nnops.ts` (Adam, ReLU, bias sums) on this thread: the module
 * (under 1 KiB, so compiled synchronously even on a browser's main thread) is instantiated at
 * import behind a feature check, and used while linalg's backend is 'wasm' (`setLinalgBackend('ts')`
 * switches these kernels off with the products). Each call copies its arrays into the module's
 * linear memory and the results back; every kernel gives the bits of the TypeScript loop it
 * replaces (see asm/nnops.ts), so the backend never changes a result. Each function returns false
 * when it did nothing (no WebAssembly, TS backend): the caller then runs its TypeScript loop.
 */
import { decodeBase64 } from '../core/base64.js';
import { linalgBackend } from '../linalg/wasm.js';
import { NNOPS_WASM_BASE64 } from './wasmNnops.generated.js';

interface NnopsExports {
  adam(n: number, w: number, g: number, m: number, v: number, c1: number, c2: number, alpha: number, eps: number): void;
  reluFwd(n: number, z: number, a: number): void;
  reluBwd(n: number, z: number, ga: number, gz: number): void;
  colSum(rows: number, cols: number, x: number, s: number): void;
  smallGemm(R: number, C: number, P: number, a: number, ars: number, ast: number, b: number, bst: number, init: number, out: number, ldo: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

function install(): NnopsExports | null {
  const W = (globalThis as unknown as { WebAssembly?: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  const bytes = W ? decodeBase64(NNOPS_WASM_BASE64) : null;
  if (!W || !bytes) return null;
  try {
    if (!W.validate(bytes)) return null;
    return new W.Instance(new W.Module(bytes), {}).exports as NnopsExports;
  } catch {
    return null;
  }
}

const EXP = install();
let f32 = new Float32Array(0);

/** The kernels when they may run now (module available and linalg's backend 'wasm'), else null. */
function ready(): NnopsExports | null {
  return EXP && linalgBackend() === 'wasm' ? EXP : null;
}

/** Linear memory is not grown past this (the caller's TypeScript loop runs instead). */
const MAX_BYTES = 1 << 30;

/** A view of linear memory of at least `floats` float32 values (null when it cannot grow that far). */
function reserve(exp: NnopsExports, floats: number): Float32Array | null {
  const mem = exp.memory;
  const bytes = floats * 4;
  if (bytes > MAX_BYTES) return null;
  if (mem.buffer.byteLength < bytes) {
    try {
      mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
    } catch {
      return null;
    }
  }
  if (f32.buffer !== mem.buffer) f32 = new Float32Array(mem.buffer);
  return f32;
}

/** True when the float32 net kernels are in use (module compiled and the 'wasm' backend selected). */
export function nnWasmActive(): boolean {
  return ready() !== null;
}

/** Adam step on float32 arrays (see asm/nnops.ts `adam`); false when not run. */
export function adam32(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c1: number, c2: number, alpha: number, eps: number): boolean {
  const exp = ready();
  if (!exp) return false;
  const n = w.length, np = (n + 3) & ~3;
  const mem = reserve(exp, 4 * np);
  if (!mem) return false;
  mem.set(w, 0); mem.set(g, np); mem.set(m, 2 * np); mem.set(v, 3 * np);
  exp.adam(np, 0, np * 4, 2 * np * 4, 3 * np * 4, c1, c2, alpha, eps);
  w.set(mem.subarray(0, n)); m.set(mem.subarray(2 * np, 2 * np + n)); v.set(mem.subarray(3 * np, 3 * np + n));
  return true;
}

/** a = relu(z) on float32 arrays of equal length; false when not run. */
export function reluFwd32(z: Float32Array, a: Float32Array): boolean {
  const exp = ready();
  if (!exp) return false;
  const n = z.length, np = (n + 3) & ~3;
  const mem = reserve(exp, 2 * np);
  if (!mem) return false;
  mem.set(z, 0);
  exp.reluFwd(np, 0, np * 4);
  a.set(mem.subarray(np, np + n));
  return true;
}

/** gz = ga * (z > 0) on float32 arrays of equal length; false when not run. */
export function reluBwd32(z: Float32Array, ga: Float32Array, gz: Float32Array): boolean {
  const exp = ready();
  if (!exp) return false;
  const n = z.length, np = (n + 3) & ~3;
  const mem = reserve(exp, 3 * np);
  if (!mem) return false;
  mem.set(z, 0); mem.set(ga.length === n ? ga : ga.subarray(0, n), np);
  exp.reluBwd(np, 0, np * 4, 2 * np * 4);
  gz.set(mem.subarray(2 * np, 2 * np + n));
  return true;
}

/** s[j] += x[i, j] over rows (float32 sums in row order; cols a multiple of 4); false when not run. */
export function colSum32(x: Float32Array, rows: number, cols: number, s: Float32Array): boolean {
  const exp = ready();
  if (!exp || cols % 4 !== 0) return false;
  const mem = reserve(exp, rows * cols + cols);
  if (!mem) return false;
  mem.set(x.length === rows * cols ? x : x.subarray(0, rows * cols), 0);
  mem.set(s, rows * cols);
  exp.colSum(rows, cols, 0, rows * cols * 4);
  s.set(mem.subarray(rows * cols, rows * cols + cols));
  return true;
}

/**
 * Z (n x u) = b + X (n x d) W (d x u) for a small float32 layer, rounding to float32 after every
 * multiply-add in k order (the bits of `denseForward`'s loops); false when not run.
 */
export function denseForwardSmall32(X: Float32Array, W: Float32Array, b: Float32Array, Z: Float32Array, n: number, d: number, u: number): boolean {
  const exp = ready();
  if (!exp) return false;
  // layout (floats): [X n x d][W d x u][b u][Z n x u]; X first, so a bias pointer is never 0 (= none)
  const wAt = n * d, bAt = wAt + d * u, zAt = bAt + b.length;
  const mem = reserve(exp, zAt + n * u);
  if (!mem) return false;
  mem.set(X.length === n * d ? X : X.subarray(0, n * d), 0);
  mem.set(W, wAt);
  if (b.length) mem.set(b, bAt);
  exp.smallGemm(n, u, d, 0, d * 4, 4, wAt * 4, u * 4, b.length ? bAt * 4 : 0, zAt * 4, u);
  Z.set(mem.subarray(zAt, zAt + n * u));
  return true;
}

/**
 * Rows k < kEnd of gW (d x u) = X^T G for a small float32 layer (X n x d, G n x u), rounding to
 * float32 after every multiply-add in row order (the bits of `denseGradW`'s loops); false when not run.
 */
export function denseGradWSmall32(X: Float32Array, G: Float32Array, gW: Float32Array, n: number, d: number, u: number, kEnd: number): boolean {
  const exp = ready();
  if (!exp) return false;
  const gAt = n * d, oAt = gAt + n * u;
  const mem = reserve(exp, oAt + kEnd * u);
  if (!mem) return false;
  mem.set(X.length === n * d ? X : X.subarray(0, n * d), 0);
  mem.set(G.length === n * u ? G : G.subarray(0, n * u), gAt);
  exp.smallGemm(kEnd, u, n, 0, 4, d * 4, gAt * 4, u * 4, 0, oAt * 4, u);
  gW.set(mem.subarray(oAt, oAt + kEnd * u));
  return true;
}
