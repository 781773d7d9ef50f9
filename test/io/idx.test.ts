import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IOError } from '../../src/core/errors.js';
import { readIdx, readIdxMatrix } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function idx(type: number, shape: number[], values: number[], write: (v: DataView, off: number, x: number) => void, size: number): Buffer {
  const b = Buffer.alloc(4 + 4 * shape.length + size * values.length);
  b[2] = type; b[3] = shape.length;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  values.forEach((x, i) => write(v, 4 + 4 * shape.length + size * i, x));
  return b;
}

describe('readIdx', () => {
  const pixels = [0, 255, 17, 3, 128, 64, 9, 200, 1, 2, 3, 4];
  const bytes = idx(0x08, [2, 2, 3], pixels, (v, o, x) => v.setUint8(o, x), 1);

  it('reads plain and gzip uint8 images with their shape', () => {
    writeFileSync(join(dir, 'a-idx3-ubyte'), bytes);
    writeFileSync(join(dir, 'a-idx3-ubyte.gz'), gzipSync(bytes));
    for (const f of ['a-idx3-ubyte', 'a-idx3-ubyte.gz']) {
      const a = readIdx(join(dir, f));
      assert.equal(a.dtype, 'uint8');
      assert.deepEqual(a.shape, [2, 2, 3]);
      assert.deepEqual(Array.from(a.data), pixels);
    }
    const X = readIdxMatrix(join(dir, 'a-idx3-ubyte.gz'), { scale: 1 / 255 });
    assert.deepEqual(X.shape, [2, 6]);
    assert.equal(X.data[1], 1);
    assert.equal(X.data[6], 9 / 255);
  });

  it('reads big-endian int32 and float64 vectors', () => {
    writeFileSync(join(dir, 'i32'), idx(0x0c, [3], [-5, 70000, 2], (v, o, x) => v.setInt32(o, x, false), 4));
    assert.deepEqual(Array.from(readIdx(join(dir, 'i32')).data), [-5, 70000, 2]);
    writeFileSync(join(dir, 'f64'), gzipSync(idx(0x0e, [2], [0.1, -3.5], (v, o, x) => v.setFloat64(o, x, false), 8)));
    assert.deepEqual(Array.from(readIdx(join(dir, 'f64')).data), [0.1, -3.5]);
  });

  it('typed errors for missing, truncated and non-IDX files', () => {
    assert.throws(() => readIdx(join(dir, 'nope')), IOError);
    writeFileSync(join(dir, 'short'), bytes.subarray(0, bytes.length - 1));
    assert.throws(() => readIdx(join(dir, 'short')), /payload has 11 bytes/);
    writeFileSync(join(dir, 'txt'), 'hello world');
    assert.throws(() => readIdx(join(dir, 'txt')), IOError);
  });

  it('reads Fashion-MNIST when the Debian package is installed', (t) => {
    const p = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
    try { readIdx(p); } catch { t.skip('dataset-fashion-mnist not installed'); return; }
    const y = readIdx(p);
    assert.deepEqual(y.shape, [10000]);
    assert.equal(Math.max(...y.data), 9);
  });
});
