/**
 * Base64 to bytes for the ahead-of-time compiled WebAssembly modules (`*.generated.ts`), with the
 * engine's `atob` (Node >= 16, every browser): null where there is none, so callers fall back to
 * their TypeScript kernels.
 */
export function decodeBase64(s: string): Uint8Array | null {
  const atobFn = (globalThis as { atob?: (x: string) => string }).atob;
  if (typeof atobFn !== 'function') return null;
  const bin = atobFn(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
