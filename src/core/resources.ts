/**
 * Resource budget: estimates of memory and output size are checked BEFORE a big allocation or
 * enumeration, so a request that would exhaust the machine gives a {@link ResourceError} naming
 * the parameter to change instead of a V8 abort no caller can catch.
 *
 * The default memory budget is half of the machine's memory, capped by the JavaScript heap limit
 * (most outputs are JS objects), where Node tells us; elsewhere (browsers) a fixed 2 GiB. It is
 * configurable globally ({@link setResourceBudget}), for a block of synchronous code
 * ({@link withResourceBudget}), and per call where a function takes a `budget` option.
 *
 * @example
 * setResourceBudget({ memoryBytes: 512 * 2 ** 20 }); // 512 MiB for everything that follows
 * withResourceBudget({ maxOutputItems: 1e6 }, () => fpGrowth(db, { minSupport: 0.001 }));
 */
import { InvalidParameterError, ResourceError } from './errors.js';
import { builtin } from './builtin.js';

export interface ResourceBudget {
  /** Largest estimated memory (bytes) one operation may allocate. */
  memoryBytes: number;
  /** Largest number of output items (itemsets, rules, output columns...) one operation may produce. */
  maxOutputItems: number;
}

/** Fixed default where the machine's memory is unknown (browsers). */
export const FALLBACK_MEMORY_BYTES = 2 * 2 ** 30;
/** Default output cap: far above any useful result, below what a JS heap can hold. */
export const DEFAULT_MAX_OUTPUT_ITEMS = 1e8;


let machineDefault: number | null = null;

/** Half of the machine's memory, capped by the V8 heap limit (Node); 2 GiB where unknown. */
export function defaultMemoryBytes(): number {
  if (machineDefault !== null) return machineDefault;
  let v = FALLBACK_MEMORY_BYTES;
  const os = builtin<{ totalmem(): number }>('node:os');
  const v8 = builtin<{ getHeapStatistics(): { heap_size_limit: number } }>('node:v8');
  try {
    if (os) v = os.totalmem() / 2;
    const heap = v8?.getHeapStatistics().heap_size_limit;
    if (heap && heap > 0) v = Math.min(v, heap);
  } catch {
    v = FALLBACK_MEMORY_BYTES;
  }
  machineDefault = Math.floor(v);
  return machineDefault;
}

let globalBudget: Partial<ResourceBudget> = {};
const scoped: Partial<ResourceBudget>[] = [];

function checkBudget(b: unknown, owner: string): Partial<ResourceBudget> {
  if (b === null || b === undefined) return {};
  if (typeof b !== 'object') throw new InvalidParameterError('budget', 'an object {memoryBytes?, maxOutputItems?}', b, owner);
  const out: Partial<ResourceBudget> = {};
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
    if (k !== 'memoryBytes' && k !== 'maxOutputItems') throw new InvalidParameterError('budget', "an object with keys 'memoryBytes' and/or 'maxOutputItems'", k, owner);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !(v > 0)) throw new InvalidParameterError(`budget.${k}`, 'a number > 0 (Infinity = no limit)', v, owner);
    out[k] = v;
  }
  return out;
}

/**
 * Set the process-wide budget (fields left out, or `null`, use the defaults). Returns the previous
 * settings, so `setResourceBudget(prev)` restores them.
 */
export function setResourceBudget(budget: Partial<ResourceBudget> | null): Partial<ResourceBudget> {
  const prev = globalBudget;
  globalBudget = budget === null ? {} : checkBudget(budget, 'setResourceBudget');
  return prev;
}

/** The budget in effect: per-call `override`, then any {@link withResourceBudget} scope, then the global settings, then defaults. */
export function getResourceBudget(override?: Partial<ResourceBudget> | null, owner = 'getResourceBudget'): ResourceBudget {
  const o = checkBudget(override, owner);
  const s = scoped.length ? scoped[scoped.length - 1]! : {};
  return {
    memoryBytes: o.memoryBytes ?? s.memoryBytes ?? globalBudget.memoryBytes ?? defaultMemoryBytes(),
    maxOutputItems: o.maxOutputItems ?? s.maxOutputItems ?? globalBudget.maxOutputItems ?? DEFAULT_MAX_OUTPUT_ITEMS,
  };
}

/** Run synchronous `fn` with `budget` in effect (for estimators, whose `fit` takes no options). */
export function withResourceBudget<T>(budget: Partial<ResourceBudget>, fn: () => T): T {
  const b = checkBudget(budget, 'withResourceBudget');
  const outer = scoped.length ? scoped[scoped.length - 1]! : {};
  scoped.push({ ...outer, ...b });
  try {
    const r = fn();
    if (r && typeof (r as { then?: unknown }).then === 'function') {
      throw new InvalidParameterError('fn', 'a synchronous function (pass budget to async calls as an option)', 'a function returning a Promise', 'withResourceBudget');
    }
    return r;
  } finally {
    scoped.pop();
  }
}

/** Options of the guards. */
export interface GuardOptions {
  /** Function or estimator name for the message. */
  owner?: string;
  /** What to change, e.g. "lower nEstimators". */
  hint: string;
  /** Per-call budget fields. */
  budget?: Partial<ResourceBudget> | null;
}

/** Throw a ResourceError when `bytes` (an estimate) exceeds the memory budget. */
export function checkMemory(what: string, bytes: number, opts: GuardOptions): void {
  const { memoryBytes } = getResourceBudget(opts.budget, opts.owner);
  if (!(bytes <= memoryBytes)) throw new ResourceError(what, bytes, memoryBytes, opts.hint, opts.owner);
}

/** Throw a ResourceError when `count` output items exceed `maxOutputItems`. */
export function checkOutputCount(what: string, count: number, unit: string, opts: GuardOptions): void {
  const { maxOutputItems } = getResourceBudget(opts.budget, opts.owner);
  if (!(count <= maxOutputItems)) throw new ResourceError(what, count, maxOutputItems, opts.hint, opts.owner, unit);
}

/**
 * Largest number of output items of `bytesPerItem` each the budget allows (min of the count cap
 * and memory / bytesPerItem): for guards that count as they produce.
 */
export function itemLimit(bytesPerItem: number, budget?: Partial<ResourceBudget> | null, owner?: string): { items: number; budget: ResourceBudget } {
  const b = getResourceBudget(budget, owner);
  return { items: Math.max(1, Math.min(b.maxOutputItems, Math.floor(b.memoryBytes / bytesPerItem))), budget: b };
}

/** n choose k as a float (Infinity when it overflows), for size estimates. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) {
    r = (r * (n - k + i)) / i;
    if (!Number.isFinite(r)) return Infinity;
  }
  return Math.round(r);
}
