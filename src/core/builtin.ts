/**
 * A Node built-in module without a static import, so the module that asks stays browser-safe:
 * `process.getBuiltinModule` (Node >= 20.16), or null in a browser / where unavailable.
 */
export function builtin<T>(name: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  try {
    return proc.getBuiltinModule(name) as T;
  } catch {
    return null;
  }
}
