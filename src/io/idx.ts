/**
 * IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected from the
 * gzip magic bytes, not the file name). Node only.
 *
 * Layout: two zero bytes, a type byte (0x08 ubyte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D
 * float32, 0x0E float64), the number of dimensions, then one big-endian uint32 per dimension and
 * the values, big-endian, row-major.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError, InvalidParameterError, IOError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX tensor: element type, shape (e.g. [60000, 28, 28]) and the values, row-major. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, [IdxDtype, number]> = { 0x08: ['uint8', 1], 0x09: ['int8', 1], 0x0b: ['int16', 2], 0x0c: ['int32', 4], 0x0d: ['float32', 4], 0x0e: ['float64', 8] };

/** Parse IDX bytes (already decompressed, or gzip: detected). */
export function parseIdx(bytes: Uint8Array, path = '<bytes>'): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch (e) { throw new IOError(path, `corrupt gzip stream: ${(e as Error).message}`); }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new IOError(path, 'not an IDX file (the first two bytes must be 0)');
  const t = TYPES[buf[2]!];
  if (!t) throw new IOError(path, `unknown IDX element type 0x${buf[2]!.toString(16)}`);
  const [dtype, size] = t;
  const nd = buf[3]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (nd < 1 || buf.length < 4 + 4 * nd) throw new IOError(path, `truncated IDX header (${nd} dimensions)`);
  const shape: number[] = [];
  for (let i = 0; i < nd; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const off = 4 + 4 * nd;
  if (buf.length - off !== count * size) throw new IOError(path, `IDX payload has ${buf.length - off} bytes; shape [${shape.join(', ')}] of ${dtype} needs ${count * size}`);
  let data: IdxData;
  switch (dtype) {
    case 'uint8': data = buf.slice(off, off + count); break;
    case 'int8': data = new Int8Array(buf.slice(off, off + count).buffer); break;
    case 'int16': data = new Int16Array(count); for (let i = 0; i < count; i++) data[i] = view.getInt16(off + 2 * i, false); break;
    case 'int32': data = new Int32Array(count); for (let i = 0; i < count; i++) data[i] = view.getInt32(off + 4 * i, false); break;
    case 'float32': data = new Float32Array(count); for (let i = 0; i < count; i++) data[i] = view.getFloat32(off + 4 * i, false); break;
    case 'float64': data = new Float64Array(count); for (let i = 0; i < count; i++) data[i] = view.getFloat64(off + 8 * i, false); break;
  }
  return { dtype, shape, data };
}

/**
 * Read an IDX file (plain or .gz).
 *
 * @example
 * const labels = readIdx('/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz').data; // Uint8Array(60000)
 */
export function readIdx(path: string): IdxArray {
  if (typeof path !== 'string' || !path) throw new InvalidParameterError('path', 'a file path', path, 'readIdx');
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new IOError(path, `cannot read IDX file: ${(e as Error).message}`); }
  return parseIdx(bytes, path);
}

/**
 * Read an IDX file as an n x (product of the other dimensions) Matrix, values multiplied by
 * `scale` (e.g. 1 / 255 for pixels in [0, 1]).
 *
 * @example
 * const X = readIdxMatrix('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz', { scale: 1 / 255 }); // 60000 x 784
 */
export function readIdxMatrix(path: string, opts: { scale?: number } = {}): Matrix {
  const a = readIdx(path);
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(scale)) throw new InvalidParameterError('scale', 'a finite number', scale, 'readIdxMatrix');
  const n = a.shape[0]!;
  const d = a.shape.length === 1 ? 1 : a.shape.slice(1).reduce((x, y) => x * y, 1);
  if (n === 0) throw new DataError('path', 'an IDX file with at least one row', path, 'readIdxMatrix');
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! * scale;
  return new Matrix(out, n, d);
}
