import { DataError } from './errors.js';
import { Matrix } from './matrix.js';
import { RandomState } from './random.js';

/**
 * JSON encoding of fitted state: typed arrays become `{ $typed: 'Float64Array', b64 }` (bit-exact,
 * little-endian), Matrix `{ $matrix: [rows, cols], data }`, RandomState `{ $rng: state }`,
 * non-finite numbers `{ $num: 'NaN' | 'Infinity' | '-Infinity' }`, Maps `{ $map: [[k, v], ...] }`.
 */
export function encodeValue(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (typeof v !== 'object') return v;
  if (v instanceof Matrix) return { $matrix: [v.rows, v.cols], data: encodeValue(v.data) };
  if (v instanceof RandomState) return { $rng: v.getState() };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { $typed: v.constructor.name, b64: toBase64(bytes) };
  }
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [encodeValue(k), encodeValue(x)]) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function' && !(v.constructor === Object)) return (v as { toJSON(): unknown }).toJSON();
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x);
  return out;
}

const TYPED: Record<string, new (buf: ArrayBuffer) => ArrayBufferView> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
  BigInt64Array, BigUint64Array,
} as unknown as Record<string, new (buf: ArrayBuffer) => ArrayBufferView>;

export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v; // already an object (revived estimator, typed array...)
  const o = v as Record<string, unknown>;
  if ('$num' in o) return Number(o.$num);
  if ('$typed' in o) {
    const Ctor = TYPED[o.$typed as string];
    if (!Ctor) throw new DataError('state', 'a known typed array kind', o.$typed, 'loadModel');
    const bytes = fromBase64(o.b64 as string);
    return new Ctor(bytes.buffer as ArrayBuffer);
  }
  if ('$matrix' in o) {
    const [r, c] = o.$matrix as [number, number];
    return new Matrix(decodeValue(o.data) as Float64Array, r, c);
  }
  if ('$rng' in o) return RandomState.fromState(o.$rng as Parameters<typeof RandomState.fromState>[0]);
  if ('$map' in o) return new Map((o.$map as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64INV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64INV[B64.charCodeAt(i)] = i;

/** Browser-safe base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < n ? bytes[i + 1]! : 0;
    const c = i + 2 < n ? bytes[i + 2]! : 0;
    chunk += B64[a >> 2]! + B64[((a & 3) << 4) | (b >> 4)]! + (i + 1 < n ? B64[((b & 15) << 2) | (c >> 6)]! : '=') + (i + 2 < n ? B64[c & 63]! : '=');
    if (chunk.length > 8192) { parts.push(chunk); chunk = ''; }
  }
  parts.push(chunk);
  return parts.join('');
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = B64INV[clean.charCodeAt(i)]!;
    const b = B64INV[clean.charCodeAt(i + 1)]!;
    const c = i + 2 < clean.length ? B64INV[clean.charCodeAt(i + 2)]! : 0;
    const d = i + 3 < clean.length ? B64INV[clean.charCodeAt(i + 3)]! : 0;
    if (a < 0 || b < 0 || c < 0 || d < 0) throw new DataError('b64', 'valid base64 text', `invalid character near offset ${i}`, 'loadModel');
    out[o++] = (a << 2) | (b >> 4);
    if (i + 2 < clean.length) out[o++] = ((b & 15) << 4) | (c >> 2);
    if (i + 3 < clean.length) out[o++] = ((c & 3) << 6) | d;
  }
  return out;
}
