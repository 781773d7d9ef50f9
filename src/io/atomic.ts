/**
 * Atomic, non-destructive file writes (Node only).
 *
 * Every writer of deepmine (saveModel, writeCsv, writeParquet, reports) goes through here:
 * - the bytes go to a temporary file in the SAME directory as the target (so the final step is a
 *   rename on one file system), which is fsync'ed before it takes the target's name;
 * - without `overwrite: true` the target is claimed with an exclusive operation (`link(2)`, which
 *   fails with EEXIST when the name exists: 'wx' semantics), so of two concurrent writers to one new
 *   path exactly one wins and the other gets an IOError; nothing is ever truncated;
 * - with `overwrite: true` the temporary file is `rename(2)`d over the target: readers see the old
 *   or the new file, never a partial one, and an error before the rename leaves the old file intact;
 * - a symbolic link at the target (dangling or not) is refused unless `followSymlinks: true`;
 * - failures are IOError with `code` (ENOSPC, ENOENT, EACCES, EEXIST, ...) and `cause` set and a
 *   message that says what went wrong in words ("the directory ... does not exist").
 *
 * @example
 * await writeFileAtomic('model.json', JSON.stringify(model.toJSON()));            // fails if model.json exists
 * await writeFileAtomic('model.json', text, { overwrite: true });                 // atomic replace
 * const w = AtomicWriter.open('big.csv'); w.write('a,b\n'); ...; w.commit();       // streamed, sync
 */
import {
  closeSync, constants as C, fsyncSync, linkSync, lstatSync, openSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync,
  chmodSync,
} from 'node:fs';
import { chmod, link, lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { InvalidParameterError, IOError } from '../core/errors.js';

/** Options of every atomic writer. */
export interface AtomicWriteOptions {
  /** Replace an existing file (default false: an existing file is never touched and an IOError with code EEXIST is thrown). */
  overwrite?: boolean;
  /** Write through a symbolic link at the target path to the file it points to (default false: a symlink is refused). */
  followSymlinks?: boolean;
  /** Name of the calling function, used in error messages (default 'writeFileAtomic'). */
  owner?: string;
}

/** An IOError raised by the atomic writers: `code` is the errno name (or a deepmine code such as 'ESYMLINK'). */
export type WriteError = IOError & { code?: string; cause?: unknown };

const REASON: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'the path is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  EEXIST: 'the file exists already; pass { overwrite: true } to replace it',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'the file name is too long',
  EIO: 'an input/output error occurred',
  EXDEV: 'the temporary file and the target are on different file systems',
  ELOOP: 'too many levels of symbolic links',
};

/**
 * Wrap any error (errno exceptions, RangeError from a serializer...) into an IOError naming the path,
 * the action and the cause; IOErrors pass through unchanged.
 */
export function toIOError(path: string, e: unknown, owner = 'writeFileAtomic', action = 'cannot write the file'): WriteError {
  if (e instanceof IOError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  let reason: string;
  if (code === 'ENOENT') reason = /read/.test(action) ? 'the file does not exist' : `the directory ${JSON.stringify(dirname(path))} does not exist`;
  else if (code && REASON[code]) reason = REASON[code]!;
  else reason = (e as Error)?.message ?? String(e);
  return ioError(path, `${owner}: ${action}: ${reason}${code ? ` (${code})` : ''}`, code, e);
}

function ioError(path: string, message: string, code?: string, cause?: unknown): WriteError {
  const err = new IOError(path, message) as WriteError;
  if (code !== undefined) Object.defineProperty(err, 'code', { value: code, enumerable: true, configurable: true, writable: true });
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return err;
}

function checkOptions(path: unknown, opts: AtomicWriteOptions): string {
  const owner = opts.owner ?? 'writeFileAtomic';
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new InvalidParameterError('path', 'a non-empty file path', path, owner);
  for (const k of ['overwrite', 'followSymlinks'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new InvalidParameterError(k, 'a boolean', opts[k], owner);
  }
  return owner;
}

/** A target that passed the checks: the real path to write and the mode of the file it replaces. */
interface Target { path: string; mode: number | null }

/**
 * Check a target path before any byte is written: resolve a symlink (only when allowed), refuse
 * directories, refuse an existing file without `overwrite`, and check that the directory exists.
 */
export function prepareTarget(path: string, opts: AtomicWriteOptions = {}): Target {
  const owner = checkOptions(path, opts);
  let target = path;
  for (let hops = 0; ; hops++) {
    let st;
    try {
      st = lstatSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw toIOError(target, e, owner, 'cannot inspect the target');
    }
    if (st.isSymbolicLink()) {
      if (!opts.followSymlinks) throw ioError(path, `${owner}: the target is a symbolic link (to ${JSON.stringify(safeReadlink(target))}); refusing to write through it (pass { followSymlinks: true } to allow)`, 'ESYMLINK');
      if (hops > 32) throw toIOError(path, Object.assign(new Error('loop'), { code: 'ELOOP' }), owner);
      const to = readlinkSync(target);
      target = isAbsolute(to) ? to : resolve(dirname(target), to);
      continue;
    }
    if (st.isDirectory()) throw toIOError(target, Object.assign(new Error('dir'), { code: 'EISDIR' }), owner);
    if (!opts.overwrite) throw toIOError(target, Object.assign(new Error('exists'), { code: 'EEXIST' }), owner);
    return { path: target, mode: st.mode & 0o7777 };
  }
  checkDir(target, owner);
  return { path: target, mode: null };
}

function safeReadlink(p: string): string {
  try { return readlinkSync(p); } catch { return '?'; }
}

function checkDir(target: string, owner: string): void {
  const dir = dirname(resolve(target));
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw ioError(target, `${owner}: the directory ${JSON.stringify(dirname(target))} does not exist (ENOENT)`, 'ENOENT', e);
    throw toIOError(target, e, owner);
  }
  if (!st.isDirectory()) throw ioError(target, `${owner}: ${JSON.stringify(dirname(target))} is not a directory (ENOTDIR)`, 'ENOTDIR');
}

/** A fresh temporary name next to `target` (same directory, hidden, unique per process and call). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, C.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // best effort: some file systems do not support fsync on directories
  } finally {
    if (fd !== null) try { closeSync(fd); } catch { /* ignore */ }
  }
}

function removeQuietly(p: string): void {
  try { unlinkSync(p); } catch { /* already gone */ }
}

/**
 * Give a complete, closed temporary file its final name: exclusive `link` without overwrite
 * (falls back to an exclusive create + rename where hard links are not supported), `rename`
 * with overwrite. The temporary file is removed in every case.
 */
export function commitTemp(tmp: string, target: Target | string, opts: AtomicWriteOptions = {}): void {
  const owner = opts.owner ?? 'writeFileAtomic';
  const t = typeof target === 'string' ? { path: target, mode: null } : target;
  try {
    const fd = openSync(tmp, 'r+');
    try {
      if (t.mode !== null) try { chmodSync(tmp, t.mode); } catch { /* keep default mode */ }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.overwrite) renameSync(tmp, t.path);
    else {
      try {
        linkSync(tmp, t.path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
        closeSync(openSync(t.path, 'wx')); // claim the name exclusively, then replace the empty claim
        renameSync(tmp, t.path);
      }
    }
  } catch (e) {
    removeQuietly(tmp);
    throw toIOError(t.path, e, owner);
  }
  removeQuietly(tmp);
  fsyncDir(dirname(t.path));
}

/**
 * A file written in pieces (sync) that appears at its path only on `commit()`; `abort()` (or any
 * error in `write`) removes the temporary file and leaves the target untouched.
 */
export class AtomicWriter {
  private fd: number | null;
  private constructor(readonly target: Target, readonly tmp: string, private readonly opts: AtomicWriteOptions, fd: number) {
    this.fd = fd;
  }

  /** Check the target (see {@link prepareTarget}) and open a temporary file beside it. */
  static open(path: string, opts: AtomicWriteOptions = {}): AtomicWriter {
    const target = prepareTarget(path, opts);
    const tmp = tempPathFor(target.path);
    let fd: number;
    try {
      fd = openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0), 0o666);
    } catch (e) {
      throw toIOError(target.path, e, opts.owner);
    }
    return new AtomicWriter(target, tmp, opts, fd);
  }

  /** Append a string (UTF-8) or bytes. */
  write(data: string | Uint8Array): void {
    if (this.fd === null) throw ioError(this.target.path, `${this.opts.owner ?? 'writeFileAtomic'}: write after commit/abort`);
    try {
      if (typeof data === 'string') {
        let rest = Buffer.from(data, 'utf8');
        while (rest.length) { const n = writeSync(this.fd, rest); rest = rest.subarray(n); }
      } else {
        let off = 0;
        while (off < data.length) off += writeSync(this.fd, data, off);
      }
    } catch (e) {
      this.abort();
      throw toIOError(this.target.path, e, this.opts.owner);
    }
  }

  /** Flush, fsync and move the file into place (exclusively unless `overwrite`). */
  commit(): void {
    if (this.fd === null) throw ioError(this.target.path, `${this.opts.owner ?? 'writeFileAtomic'}: commit after commit/abort`);
    const fd = this.fd;
    this.fd = null;
    try {
      fsyncSync(fd);
      closeSync(fd);
    } catch (e) {
      try { closeSync(fd); } catch { /* ignore */ }
      removeQuietly(this.tmp);
      throw toIOError(this.target.path, e, this.opts.owner);
    }
    commitTemp(this.tmp, this.target, this.opts);
  }

  /** Drop the temporary file; the target is not touched. Safe to call twice. */
  abort(): void {
    if (this.fd !== null) {
      try { closeSync(this.fd); } catch { /* ignore */ }
      this.fd = null;
    }
    removeQuietly(this.tmp);
  }
}

/** Synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const w = AtomicWriter.open(path, opts);
  w.write(data);
  w.commit();
}

/**
 * Write `data` to `path` atomically: temp file in the same directory + fsync + link/rename.
 * Never overwrites unless `overwrite: true`; refuses symlinks unless `followSymlinks: true`;
 * failures are {@link WriteError}s (IOError with `code` and `cause`).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const owner = checkOptions(path, opts);
  const target = await prepareTargetAsync(path, opts, owner);
  const tmp = tempPathFor(target.path);
  let fh;
  try {
    fh = await open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0), 0o666);
  } catch (e) {
    throw toIOError(target.path, e, owner);
  }
  try {
    await fh.writeFile(data);
    if (target.mode !== null) try { await chmod(tmp, target.mode); } catch { /* keep default mode */ }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw toIOError(target.path, e, owner);
  }
  await fh.close();
  try {
    if (opts.overwrite) await rename(tmp, target.path);
    else {
      try {
        await link(tmp, target.path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
        await (await open(target.path, 'wx')).close();
        await rename(tmp, target.path);
      }
    }
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw toIOError(target.path, e, owner);
  }
  await unlink(tmp).catch(() => undefined);
  fsyncDir(dirname(target.path));
}

async function prepareTargetAsync(path: string, opts: AtomicWriteOptions, owner: string): Promise<Target> {
  let target = path;
  for (let hops = 0; ; hops++) {
    let st;
    try {
      st = await lstat(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw toIOError(target, e, owner, 'cannot inspect the target');
    }
    if (st.isSymbolicLink()) {
      if (!opts.followSymlinks) {
        const to = await readlink(target).catch(() => '?');
        throw ioError(path, `${owner}: the target is a symbolic link (to ${JSON.stringify(to)}); refusing to write through it (pass { followSymlinks: true } to allow)`, 'ESYMLINK');
      }
      if (hops > 32) throw toIOError(path, Object.assign(new Error('loop'), { code: 'ELOOP' }), owner);
      const to = await readlink(target);
      target = isAbsolute(to) ? to : resolve(dirname(target), to);
      continue;
    }
    if (st.isDirectory()) throw toIOError(target, Object.assign(new Error('dir'), { code: 'EISDIR' }), owner);
    if (!opts.overwrite) throw toIOError(target, Object.assign(new Error('exists'), { code: 'EEXIST' }), owner);
    return { path: target, mode: st.mode & 0o7777 };
  }
  const dir = dirname(resolve(target));
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw ioError(target, `${owner}: the directory ${JSON.stringify(dirname(target))} does not exist (ENOENT)`, 'ENOENT', e);
    throw toIOError(target, e, owner);
  }
  if (!st.isDirectory()) throw ioError(target, `${owner}: ${JSON.stringify(dirname(target))} is not a directory (ENOTDIR)`, 'ENOTDIR');
  return { path: target, mode: null };
}
