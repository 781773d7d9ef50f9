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

const TYPED: Record<string, { new (buf: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
  BigInt64Array, BigUint64Array,
} as unknown as Record<string, { new (buf: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number }>;

/** Keys that would reach an object's prototype chain when assigned: never accepted from a file. */
const FORBIDDEN_KEYS = new Set(['__proto__']);
/** Deeper nesting than this is not something deepmine writes; refusing it avoids a stack overflow. */
const MAX_DEPTH = 200;

/**
 * Inverse of `encodeValue`, for untrusted input: every tag is checked (known typed-array kind as
 * an own key, base64 text whose length fits the element size, Matrix dimensions equal to its data
 * length, Map entries as pairs), prototype keys are refused, and nesting is bounded, so a mutated
 * file gives a DataError here rather than an object that misbehaves later.
 */
export function decodeValue(v: unknown, path = 'state', depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw new DataError(path, `nesting of at most ${MAX_DEPTH} levels`, 'deeper nesting', 'loadModel');
  if (Array.isArray(v)) return v.map((x, i) => decodeValue(x, `${path}[${i}]`, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v; // already an object (revived estimator, typed array...)
  const o = v as Record<string, unknown>;
  if ('$num' in o) {
    if (o.$num !== 'NaN' && o.$num !== 'Infinity' && o.$num !== '-Infinity') throw new DataError(path, "'NaN', 'Infinity' or '-Infinity' in $num", o.$num, 'loadModel');
    return Number(o.$num);
  }
  if ('$typed' in o) {
    const name = o.$typed;
    const Ctor = typeof name === 'string' && Object.hasOwn(TYPED, name) ? TYPED[name]! : null;
    if (!Ctor) throw new DataError(path, `a typed array kind (one of ${Object.keys(TYPED).join(', ')})`, name, 'loadModel');
    if (typeof o.b64 !== 'string') throw new DataError(`${path}.b64`, 'base64 text', o.b64, 'loadModel');
    const bytes = fromBase64(o.b64);
    if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new DataError(`${path}.b64`, `a whole number of ${Ctor.BYTES_PER_ELEMENT}-byte ${name} elements`, `${bytes.length} bytes`, 'loadModel');
    return new Ctor(bytes.buffer as ArrayBuffer);
  }
  if ('$matrix' in o) {
    const dims = o.$matrix;
    const ok = Array.isArray(dims) && dims.length === 2 && dims.every((x) => Number.isInteger(x) && (x as number) >= 0);
    if (!ok) throw new DataError(`${path}.$matrix`, '[rows, cols] with non-negative integers', dims, 'loadModel');
    const [r, c] = dims as [number, number];
    const data = decodeValue(o.data, `${path}.data`, depth + 1);
    if (!(data instanceof Float64Array) || data.length !== r * c) throw new DataError(`${path}.data`, `a Float64Array of length ${r} x ${c}`, data, 'loadModel');
    return new Matrix(data, r, c);
  }
  if ('$rng' in o) {
    try {
      return RandomState.fromState(o.$rng as Parameters<typeof RandomState.fromState>[0]);
    } catch (e) {
      throw new DataError(`${path}.$rng`, 'a saved RandomState state', e instanceof Error ? e.message : o.$rng, 'loadModel');
    }
  }
  if ('$map' in o) {
    const entries = o.$map;
    if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2)) throw new DataError(`${path}.$map`, 'an array of [key, value] pairs', entries, 'loadModel');
    return new Map((entries as [unknown, unknown][]).map(([k, x], i) => [decodeValue(k, `${path}.$map[${i}]`, depth + 1), decodeValue(x, `${path}.$map[${i}]`, depth + 1)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (FORBIDDEN_KEYS.has(k)) throw new DataError(path, 'no __proto__ key', JSON.stringify(k), 'loadModel');
    out[k] = decodeValue(x, `${path}.${k}`, depth + 1);
  }
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
