/**
 * Class registries for the `nn` building blocks, so saved models name their parts and load them
 * back, user classes included (Keras' `register_keras_serializable`). A saved Sequential lists
 * `{ class, config }` per layer, its optimizer config (`name`, `learningRate` number or schedule
 * config with `name`); on load each name is looked up here first, then among the built-ins.
 *
 * @example
 * class Scale implements Layer { kind = 'Scale'; ...; getConfig() { return { factor: this.factor }; } }
 * registerLayer('Scale', (config) => new Scale(config.factor as number));
 * loadModel(JSON.parse(JSON.stringify(model.toJSON()))); // the Scale layer comes back
 */
import { layerFromConfig, type Layer } from './layers.js';
import { getOptimizer, type Optimizer } from './optimizers.js';
import { scheduleFromConfig, type LearningRateSchedule } from './schedules.js';

type Factory<T> = (config: Record<string, unknown>) => T;
const layers = new Map<string, Factory<Layer>>();
const optimizers = new Map<string, Factory<Optimizer>>();
const schedules = new Map<string, Factory<LearningRateSchedule>>();

/** Make a layer class loadable: `name` is the layer's `kind`, `fromConfig` rebuilds it from `getConfig()` (weights are restored after). */
export function registerLayer(name: string, fromConfig: Factory<Layer>): void {
  layers.set(name, fromConfig);
}
/** Make an optimizer loadable (and usable by name in `compile`): `name` is its `getConfig().name`. */
export function registerOptimizer(name: string, fromConfig: Factory<Optimizer>): void {
  optimizers.set(name, fromConfig);
}
/** Make a learning-rate schedule loadable: `name` is its `getConfig().name`. */
export function registerSchedule(name: string, fromConfig: Factory<LearningRateSchedule>): void {
  schedules.set(name, fromConfig);
}

/** Registered names per category (built-ins are not listed). */
export function registeredNnClasses(): { layers: string[]; optimizers: string[]; schedules: string[] } {
  return { layers: [...layers.keys()].sort(), optimizers: [...optimizers.keys()].sort(), schedules: [...schedules.keys()].sort() };
}

/** @internal A layer from its saved `{ class, config }`: registered classes, then the built-ins. */
export function layerFrom(cls: string, config: Record<string, unknown>): Layer {
  const f = layers.get(cls);
  return f ? f(config) : layerFromConfig(cls, config);
}

/** @internal A schedule from its saved config. */
export function scheduleFrom(config: Record<string, unknown>): LearningRateSchedule {
  const f = schedules.get(config.name as string);
  return f ? f(config) : scheduleFromConfig(config);
}

/** @internal An optimizer from an instance, a name or a saved config: registered classes, then the built-ins. */
export function optimizerFrom(o: Optimizer | string | Record<string, unknown>): Optimizer {
  if (typeof o === 'object' && o !== null && typeof (o as { step?: unknown }).step === 'function') return o as Optimizer;
  const cfg: Record<string, unknown> = typeof o === 'string' ? { name: o } : { ...(o as Record<string, unknown>) };
  const lr = cfg.learningRate;
  if (lr && typeof lr === 'object' && typeof (lr as { getConfig?: unknown }).getConfig !== 'function') cfg.learningRate = scheduleFrom(lr as Record<string, unknown>);
  const f = optimizers.get(cfg.name as string);
  return f ? f(cfg) : getOptimizer(cfg);
}
