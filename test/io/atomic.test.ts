import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOError, InvalidParameterError } from '../../src/core/errors.js';
import { AtomicWriter, toIOError, writeFileAtomic, writeFileAtomicSync, type WriteError } from '../../src/io/atomic.js';
import { loadModelFile, saveModel } from '../../src/io/model.js';
import { DecisionTreeClassifier } from '../../src/tree/index.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'deepmine-atomic-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const code = (c: string) => (e: unknown) => e instanceof IOError && (e as WriteError).code === c;
const noTemps = (d: string) => assert.deepEqual(readdirSync(d).filter((f) => f.endsWith('.tmp')), []);

describe('writeFileAtomic', () => {
  it('creates a new file; never overwrites without asking; overwrite replaces and keeps the mode', async () => {
    const p = join(dir, 'a.txt');
    await writeFileAtomic(p, 'one');
    assert.equal(readFileSync(p, 'utf8'), 'one');
    await assert.rejects(writeFileAtomic(p, 'two'), (e: unknown) => code('EEXIST')(e) && /overwrite: true/.test((e as Error).message));
    assert.throws(() => writeFileAtomicSync(p, 'two'), code('EEXIST'));
    assert.equal(readFileSync(p, 'utf8'), 'one');
    chmodSync(p, 0o640);
    await writeFileAtomic(p, 'three', { overwrite: true });
    assert.equal(readFileSync(p, 'utf8'), 'three');
    assert.equal(statSync(p).mode & 0o777, 0o640);
    writeFileAtomicSync(p, new Uint8Array([52]), { overwrite: true });
    assert.equal(readFileSync(p, 'utf8'), '4');
    noTemps(dir);
  });

  it('validates its arguments', async () => {
    await assert.rejects(writeFileAtomic('', 'x'), InvalidParameterError);
    await assert.rejects(writeFileAtomic(join(dir, 'v.txt'), 'x', { overwrite: 'yes' as unknown as boolean }), InvalidParameterError);
    await assert.rejects(writeFileAtomic(dir, 'x', { overwrite: true }), code('EISDIR'));
  });

  it('two concurrent writers to one new path: exactly one wins, the other gets IOError EEXIST, the file is whole', async () => {
    for (let k = 0; k < 50; k++) {
      const p = join(dir, `race-${k}.json`);
      const a = JSON.stringify({ who: 'a', pad: 'a'.repeat(200_000 + k) });
      const b = JSON.stringify({ who: 'b', pad: 'b'.repeat(150_000) });
      const res = await Promise.allSettled([writeFileAtomic(p, a), writeFileAtomic(p, b)]);
      const ok = res.filter((r) => r.status === 'fulfilled');
      assert.equal(ok.length, 1, `pair ${k}: ${res.map((r) => r.status).join(', ')}`);
      const bad = res.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(code('EEXIST')(bad.reason), String(bad.reason));
      const text = readFileSync(p, 'utf8');
      assert.ok(text === a || text === b);
      assert.equal(text, res[0]!.status === 'fulfilled' ? a : b);
    }
    noTemps(dir);
  });

  it('refuses a symlink (dangling or not) unless followSymlinks', async () => {
    const real = join(dir, 'real.txt');
    const dangling = join(dir, 'dangling.txt');
    symlinkSync(join(dir, 'nowhere.txt'), dangling);
    await assert.rejects(writeFileAtomic(dangling, 'x'), code('ESYMLINK'));
    assert.equal(existsSync(join(dir, 'nowhere.txt')), false);
    writeFileSync(real, 'keep');
    const link = join(dir, 'link.txt');
    symlinkSync(real, link);
    await assert.rejects(writeFileAtomic(link, 'x', { overwrite: true }), code('ESYMLINK'));
    assert.throws(() => AtomicWriter.open(link, { overwrite: true }), code('ESYMLINK'));
    assert.equal(readFileSync(real, 'utf8'), 'keep');
    await writeFileAtomic(link, 'through', { overwrite: true, followSymlinks: true });
    assert.equal(readFileSync(real, 'utf8'), 'through');
    await writeFileAtomic(dangling, 'made', { followSymlinks: true });
    assert.equal(readFileSync(join(dir, 'nowhere.txt'), 'utf8'), 'made');
  });

  it('a missing directory is named as such (ENOENT)', async () => {
    const p = join(dir, 'no-such-dir', 'f.txt');
    await assert.rejects(writeFileAtomic(p, 'x'), (e: unknown) => code('ENOENT')(e) && /directory .*no-such-dir.* does not exist/.test((e as Error).message));
    assert.throws(() => AtomicWriter.open(p), code('ENOENT'));
    writeFileSync(join(dir, 'plain'), '');
    await assert.rejects(writeFileAtomic(join(dir, 'plain', 'f.txt'), 'x'), code('ENOTDIR'));
  });

  it('an error mid-write over an existing file leaves it intact and no temp file behind', () => {
    const p = join(dir, 'old.csv');
    writeFileSync(p, 'a,b\n1,2\n');
    const w = AtomicWriter.open(p, { overwrite: true });
    w.write('x'.repeat(1 << 20));
    w.abort();
    assert.equal(readFileSync(p, 'utf8'), 'a,b\n1,2\n');
    noTemps(dir);
    assert.throws(() => w.write('more'), IOError);
  });

  it('maps errno causes to readable typed errors', () => {
    const e = toIOError('/x/y.json', Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' }), 'saveModel');
    assert.ok(e instanceof IOError);
    assert.equal(e.code, 'ENOSPC');
    assert.match(e.message, /saveModel: cannot write the file: no space left on the device \(ENOSPC\)/);
    assert.equal((e.cause as Error).message, 'ENOSPC: no space');
    assert.match(toIOError('/x/y.json', Object.assign(new Error(), { code: 'EACCES' })).message, /permission denied/);
  });

  it('ENOSPC on a real full file system: typed error, the old file intact, no temp file (tmpfs; skipped without mount rights)', async (t) => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      t.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    try {
      const p = join(mnt, 'model.json');
      writeFileSync(p, '{"old":true}');
      await assert.rejects(writeFileAtomic(p, 'z'.repeat(1 << 20), { overwrite: true }), (e: unknown) => code('ENOSPC')(e) && /no space left/.test((e as Error).message));
      assert.equal(readFileSync(p, 'utf8'), '{"old":true}');
      noTemps(mnt);
      const w = AtomicWriter.open(p, { overwrite: true });
      assert.throws(() => { for (let k = 0; k < 64; k++) w.write('z'.repeat(1 << 14)); }, code('ENOSPC'));
      assert.equal(readFileSync(p, 'utf8'), '{"old":true}');
      noTemps(mnt);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });
});

describe('saveModel on the atomic writer', () => {
  const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
  it('concurrent saveModel to one new path: exactly one wins, the other an IOError, the file loads', async () => {
    const a = new DecisionTreeClassifier({ randomState: 0 }).fit(X, [0, 1, 1, 0]);
    const b = new DecisionTreeClassifier({ randomState: 0, maxDepth: 1 }).fit(X, [0, 1, 1, 1]);
    for (let k = 0; k < 30; k++) {
      const p = join(dir, `model-${k}.json`);
      const res = await Promise.allSettled([saveModel(a, p), saveModel(b, p)]);
      assert.equal(res.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(code('EEXIST')((res.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason));
      const m = await loadModelFile<DecisionTreeClassifier>(p);
      assert.deepEqual(m.predict(X), (res[0]!.status === 'fulfilled' ? a : b).predict(X));
    }
  });

  it('does not follow a dangling symlink; a serializer error leaves the old file', async () => {
    const m = new DecisionTreeClassifier({ randomState: 0 }).fit(X, [0, 1, 1, 0]);
    const link = join(dir, 'm-link.json');
    symlinkSync(join(dir, 'm-target.json'), link);
    await assert.rejects(saveModel(m, link), code('ESYMLINK'));
    assert.equal(existsSync(join(dir, 'm-target.json')), false);
    const p = join(dir, 'm-old.json');
    writeFileSync(p, '{"old":1}');
    const evil = { toJSON: () => ({ big: 1n }) };
    await assert.rejects(saveModel(evil, p, { overwrite: true }), (e: unknown) => e instanceof IOError && /serialize/.test((e as Error).message));
    assert.equal(readFileSync(p, 'utf8'), '{"old":1}');
    await assert.rejects(saveModel(null as never, p), InvalidParameterError);
    await assert.rejects(loadModelFile(join(dir, 'none.json')), (e: unknown) => code('ENOENT')(e) && /does not exist/.test((e as Error).message));
  });
});
