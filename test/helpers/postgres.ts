/**
 * A throwaway PostgreSQL server for tests: initdb in a temp directory, started on a Unix socket
 * in that directory (no TCP port, nothing shared with other runs), stopped and deleted after.
 * As root (CI), the server runs as the `postgres` system user, which PostgreSQL requires.
 * Returns null with a reason when the server binaries are not installed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TempPostgres { url: string; host: string; port: number; stop(): void }

function binDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : null;
}

export function startPostgres(): TempPostgres | { skip: string } {
  const bin = binDir();
  if (!bin) return { skip: 'PostgreSQL server binaries not installed (apt-get install postgresql)' };
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-pg-'));
  chmodSync(dir, 0o755);
  const asRoot = userInfo().uid === 0;
  let uid = -1, gid = -1;
  if (asRoot) {
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      return { skip: "running as root and there is no 'postgres' user to run the server as" };
    }
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe', timeout: 60_000 });
  const data = join(dir, 'data');
  const port = 20000 + (process.pid % 20000);
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'deepmine', '--no-sync', '-E', 'UTF8']);
  run(join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off`, 'start']);
  return {
    url: `postgresql://deepmine@/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    host: dir,
    port,
    stop() {
      try { run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
