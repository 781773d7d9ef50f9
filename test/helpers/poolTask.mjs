// Worker-pool test tasks (plain ESM so workers need no TypeScript loader unless a task imports src/).
export function sumRange(sab, start, end) {
  const a = new Float64Array(sab);
  let s = 0;
  for (let i = start; i < end; i++) s += a[i];
  return s;
}
export function fails() {
  throw new Error('boom');
}
/** Identity after `ms` of busy work (a synchronous task that only terminate() can stop). */
export function spin(ms, v) {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return v;
}
/** Identity after `ms` without blocking (an asynchronous task). */
export function sleep(ms, v) {
  return new Promise((r) => setTimeout(() => r(v), ms));
}
/** Kills its worker thread (process.exit inside a worker ends only that thread). */
export function exit(code = 7) {
  process.exit(code);
}
/** An uncaught error after the task returned a pending promise (crashes the worker). */
export function crashLater() {
  setTimeout(() => { throw new RangeError('uncaught in worker'); }, 1);
  return new Promise(() => {});
}
/** Throws a deepmine DataError from src/ (loads tsx inside the worker). */
export async function dataError() {
  const { register } = await import('tsx/esm/api');
  register();
  const { DataError } = await import(new URL('../../src/core/errors.ts', import.meta.url).href);
  throw new DataError('X', 'finite values', 'NaN at row 3', 'KMeans');
}
/** Throws an error with a field that cannot be structured-cloned. */
export function uncloneable() {
  const e = new TypeError('bad');
  e.fn = () => 1;
  e.code = 'E_BAD';
  throw e;
}
/** Returns something that cannot be structured-cloned. */
export function badResult() {
  return { f: () => 1 };
}
/** The thread id running the task. */
export async function threadId() {
  const { threadId } = await import('node:worker_threads');
  return threadId;
}
/** Mixed behaviour for the soak benchmark: 'ok' | 'throw' | 'exit' | 'crash'. */
export function soak(kind, v) {
  if (kind === 'throw') throw new RangeError('soak throw ' + v);
  if (kind === 'exit') process.exit(3);
  if (kind === 'crash') { setTimeout(() => { throw new Error('soak crash'); }, 0); return new Promise(() => {}); }
  return v * 2;
}
