import { setLinalgThreads } from '../../src/linalg/threads.js';

/** Run `fn` with the worker pool set to `t` threads, restoring the previous setting after. */
export function withThreads<T>(t: number, fn: () => T): T {
  const prev = setLinalgThreads(t);
  try {
    return fn();
  } finally {
    setLinalgThreads(prev);
  }
}
