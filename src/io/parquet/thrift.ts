/**
 * A small reader of Thrift's compact protocol (the encoding of Parquet's footer and page headers,
 * apache/parquet-format `parquet.thrift`). Structs are read generically into objects keyed by field
 * id; the caller picks the fields it knows. Every read is bounds-checked: a truncated or corrupt
 * footer is a `ThriftError`, never a hang (each step consumes at least one byte).
 */

/** A decoded struct: field id -> value (number, boolean, Uint8Array for binary, list, struct). */
export type TStruct = { [id: number]: TValue };
export type TValue = number | boolean | Uint8Array | TValue[] | TStruct;

export class ThriftError extends Error {}

const MAX_DEPTH = 64;

/** Read the struct starting at `pos` of `b` (not beyond `end`); returns it and the position after it. */
export function readStruct(b: Uint8Array, pos: number, end: number = b.length): { value: TStruct; pos: number } {
  const r = { b, pos, end };
  const value = struct(r, 0);
  return { value, pos: r.pos };
}

interface R { b: Uint8Array; pos: number; end: number }

function byte(r: R): number {
  if (r.pos >= r.end) throw new ThriftError('truncated');
  return r.b[r.pos++]!;
}

/** An unsigned varint up to 64 bits, as a Number (exact below 2^53). */
function varint(r: R): number {
  let v = 0, mul = 1;
  for (let i = 0; i < 10; i++) {
    const c = byte(r);
    v += (c & 0x7f) * mul;
    if ((c & 0x80) === 0) return v;
    mul *= 128;
  }
  throw new ThriftError('bad varint');
}

function zigzag(r: R): number {
  const u = varint(r);
  // (u >>> 1) ^ -(u & 1), in floating point for values beyond 32 bits
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function value(r: R, type: number, depth: number): TValue {
  switch (type) {
    case 1: return true;
    case 2: return false;
    case 3: { const c = byte(r); return c > 127 ? c - 256 : c; }
    case 4: case 5: case 6: return zigzag(r);
    case 7: {
      if (r.pos + 8 > r.end) throw new ThriftError('truncated');
      const v = new DataView(r.b.buffer, r.b.byteOffset + r.pos, 8).getFloat64(0, true);
      r.pos += 8;
      return v;
    }
    case 8: {
      const len = varint(r);
      if (r.pos + len > r.end) throw new ThriftError('truncated');
      const v = r.b.subarray(r.pos, r.pos + len);
      r.pos += len;
      return v;
    }
    case 9: case 10: {
      const h = byte(r);
      let n = h >> 4;
      if (n === 15) n = varint(r);
      const et = h & 15;
      if (n > r.end - r.pos) throw new ThriftError('bad list size');
      const out: TValue[] = [];
      for (let i = 0; i < n; i++) out.push(et === 1 || et === 2 ? byte(r) === 1 : value(r, et, depth + 1));
      return out;
    }
    case 11: {
      const n = varint(r);
      if (n === 0) return [];
      if (n > r.end - r.pos) throw new ThriftError('bad map size');
      const kv = byte(r);
      const out: TValue[] = [];
      for (let i = 0; i < n; i++) { out.push(value(r, kv >> 4, depth + 1)); out.push(value(r, kv & 15, depth + 1)); }
      return out;
    }
    case 12: return struct(r, depth + 1);
    default: throw new ThriftError(`bad type ${type}`);
  }
}

function struct(r: R, depth: number): TStruct {
  if (depth > MAX_DEPTH) throw new ThriftError('nesting too deep');
  const out: TStruct = {};
  let id = 0;
  for (;;) {
    const h = byte(r);
    if (h === 0) return out;
    const delta = h >> 4;
    id = delta === 0 ? zigzag(r) : id + delta;
    out[id] = value(r, h & 15, depth);
  }
}
