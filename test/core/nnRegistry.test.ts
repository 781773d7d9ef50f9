/**
 * Issue 14, item 5: `nn` in the estimators' registry and save format. User layers, optimizers and
 * schedules round-trip through `loadModel` once registered; Sequential.toJSON is a SavedModel
 * (params + state, the library's formatVersion); `save()` refuses to overwrite like `saveModel`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { IOError } from '../../src/core/errors.js';
import { FORMAT_VERSION, loadModel } from '../../src/core/estimator.js';
import type { RandomState } from '../../src/core/random.js';
import { Dense, type Layer } from '../../src/nn/layers.js';
import { SGD } from '../../src/nn/optimizers.js';
import { registerLayer, registerOptimizer, registerSchedule } from '../../src/nn/registry.js';
import type { LearningRateSchedule } from '../../src/nn/schedules.js';
import { Sequential } from '../../src/nn/sequential.js';

/** A user layer: multiplies its input by a fixed factor (no weights). */
class Scale implements Layer {
  readonly kind = 'Scale';
  inputDim = 0;
  constructor(readonly factor: number) {}
  get outputDim(): number { return this.inputDim; }
  build(inputDim: number, _rng: RandomState): void { this.inputDim = inputDim; }
  forward(x: Float64Array): Float64Array { return x.map((v) => v * this.factor); }
  backward(g: Float64Array): Float64Array { return g.map((v) => v * this.factor); }
  params(): Float64Array[] { return []; }
  grads(): Float64Array[] { return []; }
  weights(): Float64Array[] { return []; }
  penalty(): number { return 0; }
  getConfig(): Record<string, unknown> { return { factor: this.factor }; }
}
/** A user schedule: halves every `every` steps. */
class Halving implements LearningRateSchedule {
  readonly name = 'Halving';
  constructor(readonly lr0: number, readonly every: number) {}
  at(step: number): number { return this.lr0 / 2 ** Math.floor(step / this.every); }
  getConfig() { return { name: this.name, lr0: this.lr0, every: this.every }; }
}
/** A user optimizer: SGD under another name. */
class MySGD extends SGD {
  override getConfig() { return { ...super.getConfig(), name: 'mysgd' }; }
}
registerLayer('Scale', (c) => new Scale(c.factor as number));
registerSchedule('Halving', (c) => new Halving(c.lr0 as number, c.every as number));
registerOptimizer('mysgd', (c) => new MySGD({ ...c, name: undefined } as never));

const X = Array.from({ length: 24 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
const y = X.map((r) => r[0]! - 0.5 * r[1]! + r[2]!);
const dir = mkdtempSync(join(tmpdir(), 'deepmine-nn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function trained(): Sequential {
  const m = new Sequential([new Dense(4, { activation: 'tanh', inputDim: 3 }), new Scale(0.5), new Dense(1)]);
  m.compile({ optimizer: new MySGD({ learningRate: new Halving(0.05, 3) as never }), loss: 'meanSquaredError' });
  m.fit(X, y, { epochs: 3, batchSize: 8, randomState: 0, verbose: 0 } as never);
  return m;
}

describe('nn classes round-trip through the registry', () => {
  it('a user layer, optimizer and schedule come back from loadModel; predictions identical', () => {
    const m = trained();
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    assert.equal(json.formatVersion, FORMAT_VERSION);
    assert.ok(json.params && json.state, 'SavedModel layout: params + state');
    assert.deepEqual(json.params.layers.map((l: { class: string }) => l.class), ['Dense', 'Scale', 'Dense']);
    assert.equal(json.state.compile.optimizer.name, 'mysgd');
    assert.equal(json.state.compile.optimizer.learningRate.name, 'Halving');
    const back = loadModel<Sequential>(json);
    assert.deepEqual(Array.from(back.predict(X).data), Array.from(m.predict(X).data));
    // training continues with the same optimizer kind and schedule
    const cfg = (back as unknown as { compiled: { opt: MySGD } }).compiled.opt;
    assert.ok(cfg instanceof MySGD);
  });

  it('the layout written before the alignment (layers/compile/weights at the top level) still loads', () => {
    const m = trained();
    const j = m.toJSON() as unknown as { params: Record<string, unknown>; state: Record<string, unknown> } & Record<string, unknown>;
    const old = { format: 'deepmine', formatVersion: 1, kind: 'Sequential', version: j.version, ...j.params, ...j.state };
    assert.deepEqual(Array.from(Sequential.fromJSON(old).predict(X).data), Array.from(m.predict(X).data));
  });
});

describe('Sequential.save', () => {
  it('refuses to overwrite an existing file unless { overwrite: true }, like saveModel', async () => {
    const m = trained();
    const path = join(dir, 'net.json');
    await m.save(path);
    await assert.rejects(() => m.save(path), (e: unknown) => e instanceof IOError && /exists/.test((e as Error).message));
    await m.save(path, { overwrite: true });
    const back = loadModel<Sequential>(readFileSync(path, 'utf8'));
    assert.deepEqual(Array.from(back.predict(X).data), Array.from(m.predict(X).data));
  });
});
