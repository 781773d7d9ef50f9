import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { RandomState } from '../../src/core/random.js';
import { HistGradientBoostingClassifier } from '../../src/ensemble/index.js';
import { binomialGradKernel } from '../../src/ensemble/loss.js';
import { blockSum } from '../../src/ensemble/grower.js';
import { HistSpace, hgbExpTable, hgbGradTuning, hgbHistModule, hgbTeamStats } from '../../src/ensemble/histWasm.js';
import { linalgThreads } from '../../src/linalg/threads.js';
import { withThreads } from '../helpers/threads.js';

interface Kernels {
  binomialBlock(rawp: number, yp: number, swp: number, ghp: number, partp: number, leafp: number, valp: number, nLeaves: number, r0: number, r1: number, scrp: number, S: number, cp: number, grad: number): number;
  iota(partp: number, a: number, b: number): void;
}

interface Wasm {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer };
  Instance: new (m: object, i: object) => { exports: unknown };
}

/** Rows of n samples in `nLeaves` leaves (random), each leaf's samples ascending (a stable partition). */
function leavesOf(n: number, nLeaves: number, rng: RandomState): { part: Uint32Array; tab: Int32Array; leafOf: Int32Array } {
  const leafOf = Int32Array.from(rng.randint(0, nLeaves, n) as ArrayLike<number>);
  const part = new Uint32Array(n);
  const tab = new Int32Array(2 * nLeaves);
  let o = 0;
  for (let l = 0; l < nLeaves; l++) {
    tab[2 * l] = o;
    for (let i = 0; i < n; i++) if (leafOf[i] === l) part[o++] = i;
    tab[2 * l + 1] = o;
  }
  return { part, tab, leafOf };
}

describe('HistGradientBoosting in-place binomial pass (asm/hist.ts binomialBlock)', () => {
  it('adds the leaf values, then equals binomialGradKernel and blockSum bit for bit (weights, odd rows, saturated and boundary scores)', (t) => {
    const mod = hgbHistModule();
    const table = hgbExpTable();
    if (!mod) return t.skip('no WebAssembly shared memory');
    const n = 70_001; // three blocks of 32768 rows, the last one odd
    const rng = new RandomState(17);
    const raw = rng.uniform(-40, 40, n);
    for (let i = 0; i < 3000; i++) raw[i * 13] = rng.uniform(-800, 800); // exp overflows and underflows
    // the exp's reduction boundaries and thresholds (exp(-raw)), with their last-bit neighbours
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    let q = 5;
    for (let k = -1030; k <= 1030 && q < n; k += 3) for (const d of [-1e-12, 0, 1e-12, 0.5]) raw[q++] = -(k + d) * Math.LN2;
    for (const hw of [0x3fd62e42, 0x3fd62e43, 0x3ff0a2b1, 0x3ff0a2b2, 0x3e2fffff, 0x3e300000, 0x40862e41, 0x40862e42]) {
      for (const lw of [0, 1, 0xffffffff]) {
        u[0] = lw;
        u[1] = hw;
        raw[q++] = f[0]!;
        raw[q++] = -f[0]!;
      }
    }
    raw[0] = 0;
    raw[1] = -0;
    raw[2] = -1; // exp(1)
    raw[3] = 2 ** -29;
    const y = Float64Array.from(rng.rand(n), (v) => (v < 0.4 ? 1 : 0));
    const sw = rng.uniform(0, 3, n);
    const nLeaves = 37;
    const { part, tab, leafOf } = leavesOf(n, nLeaves, rng);
    const vals = rng.uniform(-0.5, 0.5, nLeaves);
    vals[3] = 0;
    const W = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
    const N = n + 15; // offsets 16-byte aligned
    const rawp = 0, yp = 8 * N, swp = 16 * N, ghp = 24 * N, partp = 32 * N, leafp = 36 * N, valp = leafp + 8 * nLeaves, cp = valp + 8 * nLeaves + 64, scrp = cp + 16 * 19 + 64;
    const S = 1000; // sub-blocks not dividing the block
    const mem = new W.Memory({ initial: Math.ceil((scrp + 16 + 4 * nLeaves + 2 * S) / 65536) + 1, maximum: 32768, shared: true });
    const ex = new W.Instance(mod, { env: { memory: mem } }).exports as Kernels;
    const buf = mem.buffer;
    new Float64Array(buf, cp, 38).set(table);
    new Float64Array(buf, yp, n).set(y);
    new Float64Array(buf, swp, n).set(sw);
    new Uint32Array(buf, partp, n).set(part);
    new Int32Array(buf, leafp, 2 * nLeaves).set(tab);
    new Float64Array(buf, valp, nLeaves).set(vals);
    const rawW = new Float64Array(buf, rawp, n);
    const gh = new Float32Array(buf, ghp, 2 * n);
    const sums = new Float64Array(buf, scrp, 2);
    for (const weights of [null, sw]) {
      for (const update of [true, false]) {
        rawW.set(raw);
        // reference: the separate update, then the JavaScript gradients and the grower's block sums
        const ref = Float64Array.from(raw);
        if (update) for (let i = 0; i < n; i++) ref[i]! += vals[leafOf[i]!]!;
        const g = new Float32Array(n);
        const h = new Float32Array(n);
        binomialGradKernel(y, ref, weights, g, h, 0, n);
        for (let b0 = 0; b0 < n; b0 += 32768) {
          const b1 = Math.min(n, b0 + 32768);
          const got = ex.binomialBlock(rawp, yp, weights ? swp : 0, ghp, partp, leafp, valp, update ? nLeaves : 0, b0, b1, scrp, S, cp, 1);
          assert.equal(got, b1 - b0);
          const sg = blockSum(g.subarray(b0, b1), b1 - b0);
          const sh = blockSum(h.subarray(b0, b1), b1 - b0);
          assert.ok(Object.is(sums[0], sg) && Object.is(sums[1], sh), `block ${b0}: sums ${sums[0]}, ${sums[1]} vs ${sg}, ${sh}`);
        }
        for (let i = 0; i < n; i++) {
          if (!Object.is(rawW[i], ref[i])) assert.fail(`row ${i}: raw ${rawW[i]} vs ${ref[i]} (separate update)`);
          if (!Object.is(gh[2 * i], g[i]) || !Object.is(gh[2 * i + 1], h[i])) {
            assert.fail(`row ${i} (raw ${ref[i]}, weights ${weights !== null}, update ${update}): ${gh[2 * i]}, ${gh[2 * i + 1]} vs ${g[i]}, ${h[i]}`);
          }
        }
      }
    }
    // the update alone (grad 0): the same scores, gradients untouched
    rawW.set(raw);
    gh.fill(7);
    for (let b0 = 0; b0 < n; b0 += 32768) assert.equal(ex.binomialBlock(rawp, yp, 0, ghp, partp, leafp, valp, nLeaves, b0, Math.min(n, b0 + 32768), scrp, S, cp, 0), Math.min(n, b0 + 32768) - b0);
    for (let i = 0; i < n; i++) if (!Object.is(rawW[i], raw[i]! + vals[leafOf[i]!]!) || gh[2 * i] !== 7) assert.fail(`update alone, row ${i}: ${rawW[i]} vs ${raw[i]! + vals[leafOf[i]!]!}`);
    // a leaf whose samples are not ascending (here across sub-blocks) is refused (-1), not
    // silently mis-assigned (out of order within a sub-block, every row still gets its leaf)
    const bad = new Uint32Array(buf, partp, n);
    const a = tab[0]!;
    assert.ok(bad[a + 100]! >= S);
    [bad[a], bad[a + 100]] = [bad[a + 100]!, bad[a]!];
    assert.equal(ex.binomialBlock(rawp, yp, 0, ghp, partp, leafp, valp, nLeaves, 0, 32768, scrp, S, cp, 1), -1);
    // iota: the identity over any range (unaligned ends)
    ex.iota(partp, 3, 70_000);
    const p = new Uint32Array(buf, partp, n);
    for (let i = 3; i < 70_000; i++) if (p[i] !== i) assert.fail(`iota ${i}: ${p[i]}`);
    assert.equal(p[70_000], part[70_000]);
  });

  /** 70,001 x 6 (three blocks of 32768 rows), binary labels. */
  function data(): { X: Matrix; y: Float64Array; sw: Float64Array } {
    const n = 70_001, d = 6;
    const rng = new RandomState(9);
    const X = rng.uniform(-2, 2, n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = X[i * d]! + X[i * d + 1]! * X[i * d + 2]! + 0.3 * Math.sin(3 * X[i * d + 3]!) + 0.4 * rng.uniform(-1, 1) > 0.2 ? 1 : 0;
    return { X: new Matrix(X, n, d), y, sw: rng.uniform(0.2, 2, n) };
  }
  const { X, y, sw } = data();
  const decision = (c: HistGradientBoostingClassifier): Float64Array => c.decisionFunction(X) as Float64Array;
  /** Run `fn` with the pass's switches set, restoring them after. */
  function withGrad<T>(inPlace: boolean, fuseRaw: boolean, fn: () => T): T {
    const prev = { ...hgbGradTuning };
    hgbGradTuning.inPlace = inPlace;
    hgbGradTuning.fuseRaw = fuseRaw;
    try {
      return fn();
    } finally {
      Object.assign(hgbGradTuning, prev);
    }
  }
  /** Calls of binomialPass that ran (true): with gradients, the update alone. */
  function countPasses<T>(fn: () => T): [T, number, number] {
    const P = HistSpace.prototype as unknown as { binomialPass: (gradients?: boolean) => boolean };
    const orig = P.binomialPass;
    let count = 0;
    let updates = 0;
    P.binomialPass = function (this: HistSpace, gradients = true): boolean {
      const r = orig.call(this, gradients);
      if (r && gradients) count++;
      if (r && !gradients) updates++;
      return r;
    };
    try {
      return [fn(), count, updates];
    } finally {
      P.binomialPass = orig;
    }
  }
  const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
    assert.equal(a.length, b.length, what);
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what} ${i}: ${a[i]} vs ${b[i]}`);
  };

  it('fits: the fused update (1 and 2 threads) repeats the separate in-place update and the copying path (two team jobs / JavaScript) bit for bit, with and without weights', () => {
    for (const weights of [null, sw]) {
      const fit = () => decision(new HistGradientBoostingClassifier({ maxIter: 6, earlyStopping: false, randomState: 0 }).fit(X, y, weights));
      const old = withThreads(2, () => withGrad(false, false, fit));
      const prof = hgbTeamStats.prof;
      hgbTeamStats.prof = true;
      const c0 = hgbTeamStats.opChunks[2]!;
      let fused2: Float64Array, n2: number;
      try {
        [fused2, n2] = countPasses(() => withThreads(2, fit));
      } finally {
        hgbTeamStats.prof = prof;
      }
      const [fused1, n1] = countPasses(() => withThreads(1, fit));
      const separate2 = withThreads(2, () => withGrad(true, false, fit));
      const separate1 = withThreads(1, () => withGrad(true, false, fit));
      if (hgbHistModule()) {
        assert.equal(n1, 6, 'the in-place pass ran every iteration (1 thread)');
        assert.equal(n2, 6, 'the in-place pass ran every iteration (2 threads)');
        if (withThreads(2, linalgThreads) === 2) assert.ok(hgbTeamStats.opChunks[2]! > c0, 'the team ran the pass');
      }
      const w = weights ? 'weights' : 'no weights';
      same(fused2, old, `${w}, fused 2 threads vs copying path, row`);
      same(fused1, old, `${w}, fused 1 thread vs copying path, row`);
      same(separate2, old, `${w}, separate update 2 threads vs copying path, row`);
      same(separate1, old, `${w}, separate update 1 thread vs copying path, row`);
    }
  });

  it("early stopping on the loss (raw scores read every iteration), on a scorer (stops early) and warm starts match the copying path bit for bit", () => {
    const cases: [string, () => HistGradientBoostingClassifier][] = [
      ["scoring 'loss', validation set", () => new HistGradientBoostingClassifier({ maxIter: 8, earlyStopping: true, scoring: 'loss', nIterNoChange: 3, randomState: 0 }).fit(X, y)],
      ["scoring 'loss', training data only", () => new HistGradientBoostingClassifier({ maxIter: 8, earlyStopping: true, scoring: 'loss', validationFraction: null, nIterNoChange: 3, randomState: 0 }).fit(X, y, sw)],
      // tol 0.05 on accuracy: stops after nIterNoChange + 1 iterations (the last tree's leaves are added at the stop)
      ["scoring 'accuracy', stops early", () => new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: true, scoring: 'accuracy', nIterNoChange: 2, tol: 0.05, randomState: 0 }).fit(X, y)],
      ['warm start 3 + 4 iterations', () => {
        const c = new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false, warmStart: true, randomState: 0 }).fit(X, y);
        return c.setParams({ maxIter: 7 }).fit(X, y);
      }],
      ["warm start with scoring 'loss'", () => {
        const c = new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: true, scoring: 'loss', nIterNoChange: 2, warmStart: true, randomState: 0 }).fit(X, y);
        return c.setParams({ maxIter: 6 }).fit(X, y);
      }],
    ];
    for (const [name, fit] of cases) {
      for (const th of [1, 2]) {
        const a = withThreads(th, () => withGrad(false, false, fit));
        const [b, passes, updates] = countPasses(() => withThreads(th, fit));
        if (hgbHistModule()) {
          assert.ok(passes > 0, `${name}: the in-place pass ran`);
          // scoring 'loss' reads the raw scores every iteration: each tree's update runs alone, in place
          if (name.includes("'loss'")) assert.ok(updates >= b.nIter - 3, `${name}: ${updates} in-place updates for ${b.nIter} iterations`);
        }
        assert.equal(b.nIter, a.nIter, `${name}: nIter`);
        if (name.includes('stops early')) assert.ok(b.nIter < 30, `${name}: stopped early (${b.nIter})`);
        same(b.trainScore, a.trainScore, `${name}, ${th} threads: train score`);
        same(b.validationScore, a.validationScore, `${name}, ${th} threads: validation score`);
        same(decision(b), decision(a), `${name}, ${th} threads: row`);
      }
    }
  });
});
