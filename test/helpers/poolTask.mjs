// Worker-pool test task (plain ESM so workers need no TypeScript loader): sums a slice of a shared Float64Array.
export function sumRange(sab, start, end) {
  const a = new Float64Array(sab);
  let s = 0;
  for (let i = start; i < end; i++) s += a[i];
  return s;
}
export function fails() {
  throw new Error('boom');
}
