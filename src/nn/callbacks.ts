import { DataError, InvalidParameterError } from '../core/errors.js';

/** What a callback may touch on the model being trained. */
export interface TrainingModel {
  stopTraining: boolean;
  getWeights(): (Float32Array | Float64Array)[];
  setWeights(ws: ArrayLike<number>[]): void;
  /** The compiled optimizer (for ReduceLROnPlateau). */
  readonly optimizer: { learningRate: number | object } | null;
}

export type Logs = Record<string, number>;

/** Keras callback hooks; all optional. `epoch` and `batch` are 0-based. */
export interface Callback {
  onTrainBegin?(model: TrainingModel): void;
  onEpochBegin?(epoch: number, model: TrainingModel): void;
  onBatchEnd?(batch: number, logs: Logs, model: TrainingModel): void;
  onEpochEnd?(epoch: number, logs: Logs, model: TrainingModel): void;
  onTrainEnd?(logs: Logs, model: TrainingModel): void;
}

type Mode = 'auto' | 'min' | 'max';
function isMax(mode: Mode, monitor: string): boolean {
  if (mode !== 'auto') return mode === 'max';
  return /acc|auc/.test(monitor);
}
function checkMode(mode: unknown, owner: string): Mode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new InvalidParameterError('mode', "'auto', 'min' or 'max'", mode, owner);
  return mode;
}
function monitored(logs: Logs, key: string, owner: string): number {
  const v = logs[key];
  if (v === undefined) throw new InvalidParameterError('monitor', `one of ${Object.keys(logs).join(', ')}`, key, owner);
  return v;
}

export interface EarlyStoppingOptions {
  /** Default 'val_loss' when validation data is given, else 'loss'. */
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  /** Stop unless the monitored value beats this. */
  baseline?: number | null;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
}

/** Keras EarlyStopping: stop when `monitor` has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best = NaN;
  private wait = 0;
  private bestWeights: (Float32Array | Float64Array)[] | null = null;
  bestEpoch = -1;
  stoppedEpoch = -1;
  readonly opts: Required<Omit<EarlyStoppingOptions, 'monitor'>> & { monitor: string | undefined };
  constructor(opts: EarlyStoppingOptions = {}) {
    this.opts = { monitor: opts.monitor, minDelta: Math.abs(opts.minDelta ?? 0), patience: opts.patience ?? 0, mode: checkMode(opts.mode ?? 'auto', 'EarlyStopping'),
      baseline: opts.baseline ?? null, restoreBestWeights: opts.restoreBestWeights ?? false, startFromEpoch: opts.startFromEpoch ?? 0 };
    if (!Number.isInteger(this.opts.patience) || this.opts.patience < 0) throw new InvalidParameterError('patience', 'an integer >= 0', opts.patience, 'EarlyStopping');
  }
  onTrainBegin(): void { this.best = NaN; this.wait = 0; this.bestWeights = null; this.bestEpoch = -1; this.stoppedEpoch = -1; }
  private improved(v: number, ref: number, max: boolean): boolean {
    if (Number.isNaN(ref)) return true;
    return max ? v - this.opts.minDelta > ref : v + this.opts.minDelta < ref;
  }
  onEpochEnd(epoch: number, logs: Logs, model: TrainingModel): void {
    const key = this.opts.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
    const v = monitored(logs, key, 'EarlyStopping');
    if (epoch < this.opts.startFromEpoch) return;
    const max = isMax(this.opts.mode, key);
    if (this.opts.restoreBestWeights && !this.bestWeights) this.bestWeights = model.getWeights().map((w) => w.slice());
    this.wait++;
    if (this.improved(v, this.best, max)) {
      this.best = v;
      this.bestEpoch = epoch;
      if (this.opts.restoreBestWeights) this.bestWeights = model.getWeights().map((w) => w.slice());
      if (this.opts.baseline === null || this.improved(v, this.opts.baseline, max)) { this.wait = 0; return; }
    }
    if (this.wait >= this.opts.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
      if (this.bestWeights) model.setWeights(this.bestWeights);
    }
  }
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
}

/** Keras ReduceLROnPlateau: multiply the learning rate by `factor` after `patience` epochs without improvement. */
export class ReduceLROnPlateau implements Callback {
  private best = NaN;
  private wait = 0;
  private cooldownCounter = 0;
  readonly opts: Required<Omit<ReduceLROnPlateauOptions, 'monitor'>> & { monitor: string | undefined };
  constructor(opts: ReduceLROnPlateauOptions = {}) {
    this.opts = { monitor: opts.monitor, factor: opts.factor ?? 0.1, patience: opts.patience ?? 10, mode: checkMode(opts.mode ?? 'auto', 'ReduceLROnPlateau'),
      minDelta: opts.minDelta ?? 1e-4, cooldown: opts.cooldown ?? 0, minLr: opts.minLr ?? 0 };
    if (!(this.opts.factor > 0 && this.opts.factor < 1)) throw new InvalidParameterError('factor', 'a number in (0, 1)', opts.factor, 'ReduceLROnPlateau');
  }
  onTrainBegin(): void { this.best = NaN; this.wait = 0; this.cooldownCounter = 0; }
  onEpochEnd(_epoch: number, logs: Logs, model: TrainingModel): void {
    const opt = model.optimizer;
    if (!opt || typeof opt.learningRate !== 'number') throw new InvalidParameterError('learningRate', 'a numeric learning rate (not a schedule) for ReduceLROnPlateau', opt?.learningRate, 'ReduceLROnPlateau');
    const key = this.opts.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
    const v = monitored(logs, key, 'ReduceLROnPlateau');
    const max = isMax(this.opts.mode, key);
    const inCooldown = this.cooldownCounter > 0;
    if (inCooldown) { this.cooldownCounter--; this.wait = 0; }
    const better = Number.isNaN(this.best) || (max ? v > this.best + this.opts.minDelta : v < this.best - this.opts.minDelta);
    if (better) { this.best = v; this.wait = 0; return; }
    if (inCooldown) return;
    if (++this.wait >= this.opts.patience) {
      const old = opt.learningRate;
      if (old > this.opts.minLr) opt.learningRate = Math.max(old * this.opts.factor, this.opts.minLr);
      this.cooldownCounter = this.opts.cooldown;
      this.wait = 0;
    }
  }
}

/**
 * Stops training at the first batch whose loss is NaN or infinite and records why in `reason`
 * (and in `History.stopReason`); with `raiseError: true` (Keras 3's `raise_error`) it throws a
 * DataError naming the batch and the loss instead. Without this callback, a non-finite loss throws
 * a DataError too.
 */
export class TerminateOnNaN implements Callback {
  reason: string | null = null;
  readonly raiseError: boolean;
  constructor(opts: { raiseError?: boolean } = {}) {
    this.raiseError = opts.raiseError ?? false;
  }
  onTrainBegin(): void { this.reason = null; }
  onBatchEnd(batch: number, logs: Logs, model: TrainingModel): void {
    const l = logs.loss;
    if (l !== undefined && !Number.isFinite(l)) {
      this.reason = `TerminateOnNaN: batch ${batch} has loss ${l}`;
      model.stopTraining = true;
      if (this.raiseError) throw new DataError('loss', 'a finite training loss', `${l} at batch ${batch} (TerminateOnNaN)`, 'Sequential.fit');
    }
  }
}

/** Wraps plain functions as a callback (Keras LambdaCallback). */
export class LambdaCallback implements Callback {
  constructor(fns: Callback) { Object.assign(this, fns); }
}

/** One line per epoch with a progress bar on stderr (what `verbose: 1` uses; the CLI's logger). */
export class ProgressLogger implements Callback {
  private t0 = 0;
  constructor(private readonly epochs: number, private readonly write: (s: string) => void = (s) => process.stderr.write(s)) {}
  onEpochBegin(): void { this.t0 = Date.now(); }
  onEpochEnd(epoch: number, logs: Logs): void {
    const w = 20, done = Math.round(((epoch + 1) / this.epochs) * w);
    const bar = '='.repeat(Math.max(0, done - 1)) + (done ? '>' : '') + '.'.repeat(w - done);
    const metrics = Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ');
    this.write(`Epoch ${epoch + 1}/${this.epochs} [${bar}] ${Date.now() - this.t0}ms - ${metrics}\n`);
  }
}
