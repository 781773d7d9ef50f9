/**
 * How file paths and options reach DuckDB SQL (Node only). Nothing a caller passes is ever pasted
 * into SQL unquoted:
 * - a file path is made absolute (no `~` expansion, no URL scheme), checked to exist, and
 *   glob-escaped (`*` -> `[*]`, `?` -> `[?]`, `[` -> `[[]`), so a file named `*.csv`, `d?.csv` or
 *   `r[12].csv` reads only itself; the rare path that mixes a backslash with a glob character
 *   (which DuckDB's matcher cannot escape) is read through a private symlink with a plain name.
 *   Globbing happens only with an explicit `{ glob: true }`.
 * - every option is type-checked (InvalidParameterError naming it) and then written as a quoted
 *   SQL string literal / identifier, never as raw text.
 */
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { InvalidParameterError, IOError } from '../core/errors.js';

/** A SQL string literal: `'...'` with quotes doubled (NUL bytes refused). */
export function sqlString(s: string): string {
  if (typeof s !== 'string') throw new InvalidParameterError('value', 'a string', s, 'sqlString');
  if (s.includes('\0')) throw new InvalidParameterError('value', 'a string without NUL bytes', s, 'sqlString');
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL identifier: `"..."` with quotes doubled. */
export function sqlIdent(s: string): string {
  if (typeof s !== 'string') throw new InvalidParameterError('name', 'a string', s, 'sqlIdent');
  if (s.includes('\0')) throw new InvalidParameterError('name', 'a name without NUL bytes', s, 'sqlIdent');
  return `"${s.replace(/"/g, '""')}"`;
}

const GLOB_CHARS = /[*?[]/;

/** Escape DuckDB's glob characters so the pattern matches exactly this path. */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** A file made ready for a DuckDB table function: the SQL literal to use and a cleanup to call afterwards. */
export interface BoundFile {
  /** SQL string literal naming the file (or the glob pattern with `glob: true`). */
  literal: string;
  /** The absolute path (or pattern) as given. */
  path: string;
  /** Remove any private link made for the binding (idempotent). */
  cleanup(): void;
}

/**
 * Check `path` and give the SQL literal that makes DuckDB read exactly that file.
 * With `glob: true` the path is a pattern (DuckDB expands it; no existence check here).
 */
export function bindFile(path: unknown, owner: string, opts: { glob?: boolean } = {}): BoundFile {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new InvalidParameterError('path', 'a non-empty file path', path, owner);
  if (opts.glob !== undefined && typeof opts.glob !== 'boolean') throw new InvalidParameterError('glob', 'a boolean', opts.glob, owner);
  const abs = resolve(path);
  if (opts.glob) return { literal: sqlString(abs), path: abs, cleanup: () => undefined };
  if (!existsSync(abs)) throw new IOError(path, `${owner}: file not found`);
  checkRegularFile(abs, owner, path);
  if (!GLOB_CHARS.test(abs)) return { literal: sqlString(abs), path: abs, cleanup: () => undefined };
  if (!abs.includes('\\')) return { literal: sqlString(escapeGlob(abs)), path: abs, cleanup: () => undefined };
  // backslash + glob character: DuckDB's matcher treats the backslash as an escape we cannot
  // express, so read through a symlink with a plain name (keeping the extension: it selects
  // the compression).
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-bind-'));
  const ext = (/(\.[A-Za-z0-9]+){1,2}$/.exec(abs.slice(abs.lastIndexOf('/') + 1))?.[0] ?? extname(abs)).replace(/[^A-Za-z0-9.]/g, '');
  const link = join(dir, `file${ext}`);
  symlinkSync(abs, link);
  let done = false;
  return { literal: sqlString(link), path: abs, cleanup: () => { if (!done) { done = true; rmSync(dir, { recursive: true, force: true }); } } };
}

/** Validate an optional boolean option. */
export function optBool(v: unknown, name: string, owner: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new InvalidParameterError(name, 'a boolean (true or false)', v, owner);
  return v;
}

/** Validate an optional single-character option (delimiter, quote...); `allowEmpty` admits ''. */
export function optChar(v: unknown, name: string, owner: string, allowEmpty = false): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.includes('\0') || v === '\n' || v === '\r' || (v.length === 0 ? !allowEmpty : [...v].length !== 1)) {
    throw new InvalidParameterError(name, `a single character${allowEmpty ? " or ''" : ''} (not a newline)`, v, owner);
  }
  return v;
}

/** Validate an optional array of strings. */
export function optStrings(v: unknown, name: string, owner: string, nonEmpty = false): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.includes('\0'))) throw new InvalidParameterError(name, 'an array of strings', v, owner);
  if (nonEmpty && v.length === 0) throw new InvalidParameterError(name, 'a non-empty array of strings', v, owner);
  return v as string[];
}

/**
 * Refuse anything but a regular file before reading it: a directory, and also a device or pipe
 * (`/dev/zero`, `/dev/urandom`, a FIFO), which never ends and would make a reader run until memory
 * runs out. (stdin is read by the CLI into a temporary file first.)
 */
export function checkRegularFile(abs: string, owner: string, shown: string = abs): void {
  const st = statSync(abs);
  if (st.isFile()) return;
  const what = st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'not a regular file';
  throw new IOError(shown, `${owner}: expected a regular file, found ${what}`);
}
