/**
 * Typed errors. Every message names the argument, what was expected and what was received,
 * e.g. `DecisionTreeClassifier: parameter 'maxDepth' must be an integer >= 1 or null; received -2`.
 */

/** Short, safe rendering of a received value for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of length ${(v as unknown as { length: number }).length}`;
  if (typeof v === 'object') {
    const ctor = (v as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `${ctor} instance` : `object with keys [${Object.keys(v as object).slice(0, 6).join(', ')}]`;
  }
  return String(v);
}

/** Base class of every error deepmine throws on purpose. */
export class DeepmineError extends Error {
  override name = 'DeepmineError';
}

/** A constructor/function parameter is out of its allowed range or of the wrong type. */
export class InvalidParameterError extends DeepmineError {
  override name = 'InvalidParameterError';
  constructor(
    readonly param: string,
    readonly expected: string,
    readonly received: unknown,
    readonly owner?: string,
  ) {
    super(`${owner ? owner + ': ' : ''}parameter '${param}' must be ${expected}; received ${describeValue(received)}`);
  }
}

/** The data given to a function is unusable (NaN where not allowed, empty, wrong type, unknown column...). */
export class DataError extends DeepmineError {
  override name = 'DataError';
  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly received: unknown,
    readonly owner?: string,
  ) {
    super(`${owner ? owner + ': ' : ''}argument '${argument}' must be ${expected}; received ${typeof received === 'string' ? received : describeValue(received)}`);
  }
}

/** The data has the wrong shape (ragged rows, wrong number of columns, y length differs from X rows). */
export class ShapeError extends DataError {
  override name = 'ShapeError';
}

/** A fitted attribute or prediction was requested before `fit`. */
export class NotFittedError extends DeepmineError {
  override name = 'NotFittedError';
  constructor(readonly estimator: string, what = 'fitted state') {
    super(`${estimator} is not fitted yet (asked for ${what}); call fit() first`);
  }
}

/** A file is missing or cannot be read in the format asked for. */
export class IOError extends DeepmineError {
  override name = 'IOError';
  constructor(readonly path: string, message: string) {
    super(`${message} (path: ${JSON.stringify(path)})`);
  }
}

/** Raised (or passed to a logger) when an iterative algorithm stops before converging. */
export class ConvergenceWarning extends DeepmineError {
  override name = 'ConvergenceWarning';
}
