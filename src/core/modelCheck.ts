import { DataError } from './errors.js';

/**
 * Structural checks of decoded model state (`loadModel` on untrusted files).
 *
 * A saved model is data from outside: a mutated or hand-written file must give a typed error at
 * load time, never an object that loops forever, reads another row's cells or allocates gigabytes
 * at `predict`. Checks are registered by the layer that owns the structure (trees register the
 * tree check in `tree/base.ts`, so forests, isolation forests and any future tree ensemble are
 * covered without code of their own) and run on every object inside a decoded state.
 */
export interface StateCheckContext {
  /** kind of the model being loaded */
  kind: string;
  /** the decoded state root (e.g. to read `nFeatures`) */
  root: Record<string, unknown>;
  /** where in the state this object is, for messages */
  path: string;
}

export type StateCheck = (value: Record<string, unknown>, ctx: StateCheckContext) => void;

const checks: StateCheck[] = [];

/** Register a check run on every plain object inside a decoded model state. */
export function registerStateCheck(check: StateCheck): void {
  checks.push(check);
}

/** Run the registered checks over a decoded state (depth-first, every plain object once). */
export function checkDecodedState(kind: string, state: unknown): void {
  if (state === null || typeof state !== 'object') return;
  const root = state as Record<string, unknown>;
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) walk(x, `${path}.get(${String(k)})`);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return; // class instances validate themselves
    const o = v as Record<string, unknown>;
    for (const c of checks) c(o, { kind, root, path });
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
  };
  walk(state, 'state');
}

/** The number of input features a state declares (`nFeatures` or `nFeaturesIn`), if any. */
export function declaredFeatures(root: Record<string, unknown>): number | null {
  const d = root.nFeatures ?? root.nFeaturesIn;
  return typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : null;
}

/** Throw a DataError unless `cond`; shorthand for the checks. */
export function expectState(cond: boolean, ctx: StateCheckContext, field: string, expected: string, received: unknown): void {
  if (!cond) throw new DataError(`${ctx.path}.${field}`, expected, received, `loadModel(${ctx.kind})`);
}
