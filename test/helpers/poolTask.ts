/** Worker-pool test task: sums a slice of a shared Float64Array. */
export function sumRange(sab: SharedArrayBuffer, start: number, end: number): number {
  const a = new Float64Array(sab);
  let s = 0;
  for (let i = start; i < end; i++) s += a[i]!;
  return s;
}
export function fails(): never {
  throw new Error('boom');
}
