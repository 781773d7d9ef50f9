/**
 * Backend selection for the dense kernels: the WebAssembly SIMD macro-kernel (`asm/gemm.ts`,
 * embedded as base64 in `wasmGemm.generated.ts`) or the pure TypeScript micro-kernel.
 *
 * The module (under 1 KiB) is compiled synchronously at import time behind a feature check
 * (`WebAssembly.validate` of the kernel itself, which uses SIMD opcodes): where WebAssembly or its
 * SIMD proposal is missing, or compilation is forbidden (CSP without 'wasm-unsafe-eval'), the
 * TypeScript path is used. Worker threads receive the bytes at start-up and instantiate their own
 * copy (see `threads.ts`). Both backends give bit-identical results.
 */
import { decodeBase64 } from '../core/base64.js';
import { InvalidParameterError } from '../core/errors.js';
import { wasmInstall, wasmSlot } from './kernels.js';
import { GEMM_WASM_BASE64 } from './wasmGemm.generated.js';
import { wasm32Install, wasm32Slot } from './kernels32.js';
import { SGEMM_WASM_BASE64 } from './wasmSgemm.generated.js';

/** Kernel backend: 'wasm' (WebAssembly SIMD), 'ts' (pure TypeScript), 'auto' (wasm when available). */
export type LinalgBackend = 'auto' | 'wasm' | 'ts';

const BYTES = decodeBase64(GEMM_WASM_BASE64);
const AVAILABLE = wasmInstall(BYTES);
// the float32 kernel (asm/sgemm.ts) is a separate module, also under 4 KiB (synchronous compile)
const BYTES32 = decodeBase64(SGEMM_WASM_BASE64);
const AVAILABLE32 = wasm32Install(BYTES32);
let requested: LinalgBackend = 'auto';
wasmSlot.on = AVAILABLE;
wasm32Slot.on = AVAILABLE32;

/** The compiled kernel module for worker threads (null when this environment cannot run it). */
export function wasmKernelBytes(): Uint8Array | null {
  return AVAILABLE ? BYTES : null;
}

/** The compiled float32 kernel module for worker threads (null when this environment cannot run it). */
export function wasmSgemmBytes(): Uint8Array | null {
  return AVAILABLE32 ? BYTES32 : null;
}

/**
 * True when the WebAssembly SIMD kernel could be instantiated here (Node 16.4+, Chrome 91+,
 * Firefox 89+, Safari 16.4+; false under a CSP without 'wasm-unsafe-eval').
 *
 * @example
 * if (!wasmAvailable()) console.warn('dense kernels run in pure TypeScript (about 4x slower)');
 */
export function wasmAvailable(): boolean {
  return AVAILABLE;
}

/**
 * The backend in effect: 'wasm' or 'ts'.
 *
 * @example
 * linalgBackend(); // 'wasm' on Node 20
 */
export function linalgBackend(): 'wasm' | 'ts' {
  return wasmSlot.on ? 'wasm' : 'ts';
}

/**
 * Choose the kernel backend of `gemm`, `sgemm`, `syrk`, `matmul` and the PCA Gram products; returns the
 * previous request. 'auto' (the default) and 'wasm' use the WebAssembly SIMD kernel when the
 * environment supports it ('wasm' silently falls back to 'ts' otherwise; check `linalgBackend()`);
 * 'ts' forces the pure TypeScript kernel. Results are bit-identical either way: only speed changes.
 *
 * @example
 * setLinalgBackend('ts');   // benchmark the fallback
 * setLinalgBackend('auto'); // back to WebAssembly SIMD where available
 */
export function setLinalgBackend(backend: LinalgBackend): LinalgBackend {
  if (backend !== 'auto' && backend !== 'wasm' && backend !== 'ts') throw new InvalidParameterError('backend', "'auto', 'wasm' or 'ts'", backend, 'setLinalgBackend');
  const prev = requested;
  requested = backend;
  wasmSlot.on = AVAILABLE && backend !== 'ts';
  wasm32Slot.on = AVAILABLE32 && backend !== 'ts';
  return prev;
}
