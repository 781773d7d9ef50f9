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

/**
 * An operation would exceed a resource budget (memory, output size, run time) before it starts:
 * the estimate, the budget and the parameter to change are named, so the caller can act instead
 * of the process running out of memory.
 */
export class ResourceError extends DeepmineError {
  override name = 'ResourceError';
  constructor(
    readonly what: string,
    readonly estimate: number,
    readonly budget: number,
    readonly hint: string,
    readonly owner?: string,
    /** 'bytes' (formatted as KiB/MiB/GiB) or a count noun such as 'rules' */
    readonly unit: string = 'bytes',
  ) {
    super(`${owner ? owner + ': ' : ''}${what} would need about ${formatAmount(estimate, unit)}, over the budget of ${formatAmount(budget, unit)}; ${hint}`);
  }
}

/** A long operation was cancelled through its AbortSignal. */
export class AbortError extends DeepmineError {
  override name = 'AbortError';
  constructor(readonly owner?: string, reason?: unknown) {
    super(`${owner ? owner + ': ' : ''}operation was aborted${reason === undefined ? '' : ` (${describeValue(reason)})`}`);
  }
}

/** A worker thread died (crash, out of memory, process.exit) while running a task. */
export class WorkerError extends DeepmineError {
  override name = 'WorkerError';
}

function formatAmount(n: number, unit: string): string {
  if (!Number.isFinite(n)) return String(n);
  if (unit !== 'bytes') return `${Math.round(n).toLocaleString('en-US')} ${unit}`;
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}
