/**
 * One warning channel for the whole library (scikit-learn's `warnings.warn`): ill-defined metrics
 * (`UndefinedMetricWarning`), iterative algorithms stopping early (`ConvergenceWarning`), version
 * mismatches on load (`VersionWarning`). Warnings never throw; they go to one replaceable handler.
 * Default handler: `process.emitWarning` in Node, `console.warn` elsewhere.
 */
import { DeepmineError } from './errors.js';

/** Base class of deepmine warnings (they are Error subclasses so they carry a stack, but are never thrown). */
export class DeepmineWarning extends DeepmineError {
  override name = 'DeepmineWarning';
}

/** A saved model was written by another deepmine version. */
export class VersionWarning extends DeepmineWarning {
  override name = 'VersionWarning';
}

/** What a warning handler receives: a DeepmineWarning or one of the older warning classes (ConvergenceWarning, UndefinedMetricWarning). */
export type WarningHandler = (w: Error) => void;

const defaultHandler: WarningHandler = (w) => {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(w.message, w.name);
  else if (typeof console !== 'undefined') console.warn(`${w.name}: ${w.message}`);
};
let handler: WarningHandler = defaultHandler;

/** Emit a warning through the current handler. Never throws (a throwing handler is the caller's choice). */
export function warn(w: Error): void {
  handler(w);
}

/**
 * Route every deepmine warning to `h` (null restores the default); returns the previous handler.
 * @example
 * const seen: string[] = [];
 * const prev = setWarningHandler((w) => seen.push(`${w.name}: ${w.message}`));
 * // ... later
 * setWarningHandler(prev);
 */
export function setWarningHandler(h: WarningHandler | null): WarningHandler {
  const prev = handler;
  handler = h ?? defaultHandler;
  return prev;
}

/**
 * Run `fn` with warnings collected instead of emitted (scikit-learn's `warnings.catch_warnings(record=True)`).
 * @example
 * const { value, warnings } = catchWarnings(() => r2Score([1], [1]));
 * // value NaN, warnings[0].name 'UndefinedMetricWarning'
 */
export function catchWarnings<T>(fn: () => T): { value: T; warnings: Error[] } {
  const warnings: Error[] = [];
  const prev = setWarningHandler((w) => warnings.push(w));
  try {
    return { value: fn(), warnings };
  } finally {
    setWarningHandler(prev);
  }
}
