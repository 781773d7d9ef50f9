import { InvalidParameterError } from '../core/errors.js';

/**
 * Keras learning-rate schedules: `lr = schedule.at(step)` where `step` counts the optimizer
 * updates already applied (0 for the first batch), as Keras' `optimizer.iterations`.
 */
export interface LearningRateSchedule {
  readonly name: string;
  at(step: number): number;
  getConfig(): Record<string, unknown>;
}

function pos(v: unknown, param: string, owner: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new InvalidParameterError(param, 'a positive finite number', v, owner);
  return v;
}

/** `initialLearningRate * decayRate ^ (step / decaySteps)` (integer division when `staircase`). */
export class ExponentialDecay implements LearningRateSchedule {
  readonly name = 'ExponentialDecay';
  constructor(readonly opts: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }) {
    pos(opts.initialLearningRate, 'initialLearningRate', this.name);
    pos(opts.decaySteps, 'decaySteps', this.name);
    pos(opts.decayRate, 'decayRate', this.name);
  }
  at(step: number): number {
    const { initialLearningRate: lr, decaySteps, decayRate, staircase } = this.opts;
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return lr * Math.pow(decayRate, p);
  }
  getConfig() { return { name: this.name, ...this.opts }; }
}

/** `initialLearningRate / (1 + decayRate * step / decaySteps)` (integer division when `staircase`). */
export class InverseTimeDecay implements LearningRateSchedule {
  readonly name = 'InverseTimeDecay';
  constructor(readonly opts: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }) {
    pos(opts.initialLearningRate, 'initialLearningRate', this.name);
    pos(opts.decaySteps, 'decaySteps', this.name);
    if (!(opts.decayRate >= 0)) throw new InvalidParameterError('decayRate', 'a number >= 0', opts.decayRate, this.name);
  }
  at(step: number): number {
    const { initialLearningRate: lr, decaySteps, decayRate, staircase } = this.opts;
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return lr / (1 + decayRate * p);
  }
  getConfig() { return { name: this.name, ...this.opts }; }
}

/** Keras CosineDecay without warm-up: `lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)`. */
export class CosineDecay implements LearningRateSchedule {
  readonly name = 'CosineDecay';
  constructor(readonly opts: { initialLearningRate: number; decaySteps: number; alpha?: number }) {
    pos(opts.initialLearningRate, 'initialLearningRate', this.name);
    pos(opts.decaySteps, 'decaySteps', this.name);
  }
  at(step: number): number {
    const { initialLearningRate: lr, decaySteps, alpha = 0 } = this.opts;
    const frac = Math.min(step, decaySteps) / decaySteps;
    return lr * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * frac)) + alpha);
  }
  getConfig() { return { name: this.name, ...this.opts }; }
}

/** `values[0]` while step <= boundaries[0], `values[1]` while step <= boundaries[1], ..., then the last value. */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly name = 'PiecewiseConstantDecay';
  constructor(readonly opts: { boundaries: number[]; values: number[] }) {
    if (!Array.isArray(opts.values) || !Array.isArray(opts.boundaries) || opts.values.length !== opts.boundaries.length + 1) {
      throw new InvalidParameterError('values', `${(opts.boundaries?.length ?? 0) + 1} values (one more than boundaries)`, opts.values?.length, this.name);
    }
    opts.values.forEach((v, i) => pos(v, `values[${i}]`, this.name));
  }
  at(step: number): number {
    const { boundaries, values } = this.opts;
    for (let i = 0; i < boundaries.length; i++) if (step <= boundaries[i]!) return values[i]!;
    return values[values.length - 1]!;
  }
  getConfig() { return { name: this.name, ...this.opts }; }
}

export function scheduleFromConfig(c: Record<string, unknown>): LearningRateSchedule {
  const { name, ...rest } = c as { name: string };
  const o = rest as never;
  switch (name) {
    case 'ExponentialDecay': return new ExponentialDecay(o);
    case 'InverseTimeDecay': return new InverseTimeDecay(o);
    case 'CosineDecay': return new CosineDecay(o);
    case 'PiecewiseConstantDecay': return new PiecewiseConstantDecay(o);
    default: throw new InvalidParameterError('learningRate', 'a known schedule', name, 'loadModel');
  }
}
