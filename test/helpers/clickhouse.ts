/**
 * A throwaway two-shard ClickHouse cluster for tests: two `clickhouse-server` processes on
 * loopback ports with their own data directories under a temp directory, a cluster `deepmine`
 * naming both as shards. `loadDistributed` writes half of the rows to each shard's local table
 * (by `_rid % 2`) and creates a `Distributed` table over them on shard 1, so pushed-down
 * statistics are computed by both shards and merged by the engine. Returns `{skip}` when
 * clickhouse-server is not installed (apt-get install clickhouse-server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempClickHouse { urls: [string, string]; stop(): void }

const SERVER = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'].find((p) => existsSync(p));

function config(dir: string, name: string, http: number, tcp: number, inter: number, tcps: [number, number]): string {
  const home = join(dir, name);
  mkdirSync(join(home, 'tmp'), { recursive: true });
  mkdirSync(join(home, 'user_files'), { recursive: true });
  const shards = tcps.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('');
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${home}/server.log</log><errorlog>${home}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${inter}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>64</max_connections>
  <path>${home}/</path>
  <tmp_path>${home}/tmp/</tmp_path>
  <user_files_path>${home}/user_files/</user_files_path>
  <users_config>${join(dir, 'users.xml')}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>104857600</mark_cache_size>
  <remote_servers><deepmine>${shards}</deepmine></remote_servers>
</yandex>
`);
  return file;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(`${url}/ping`);
      if (r.ok) return true;
    } catch { /* not up yet */ }
    await new Promise((res) => setTimeout(res, 200));
  }
  return false;
}

export async function startClickHouse(): Promise<TempClickHouse | { skip: string }> {
  if (!SERVER) return { skip: 'clickhouse-server is not installed (apt-get install clickhouse-server)' };
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-ch-'));
  writeFileSync(join(dir, 'users.xml'), USERS);
  const base = 21000 + (process.pid % 4000) * 2;
  const tcps: [number, number] = [base + 10000, base + 10001];
  const procs: ChildProcess[] = [];
  const urls: [string, string] = [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 1}`];
  for (let s = 0; s < 2; s++) {
    const file = config(dir, `s${s + 1}`, base + s, tcps[s]!, base + 20000 + s, tcps);
    procs.push(spawn(SERVER, [`--config-file=${file}`], { stdio: 'ignore', detached: false }));
  }
  const stop = () => {
    for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  };
  const up = await Promise.all(urls.map((u) => ping(u, 60_000)));
  if (!up.every(Boolean)) {
    stop();
    return { skip: 'clickhouse-server did not start within 60 s' };
  }
  return { urls, stop };
}

async function ch(url: string, sql: string): Promise<string> {
  const r = await fetch(url, { method: 'POST', body: sql });
  const t = await r.text();
  if (!r.ok) throw new Error(`clickhouse: ${t.slice(0, 300)}`);
  return t;
}

/** Create `name` as a Distributed table over `${name}_local` on both shards, rows split by `_rid % 2`. */
export async function loadDistributed(urls: [string, string], name: string, columns: string[], X: ArrayLike<number>, n: number): Promise<void> {
  const q = (c: string) => '`' + c.split('`').join('``') + '`';
  const d = columns.length;
  const local = q(`${name}_local`);
  const colDefs = `_rid Int32, ${columns.map((c) => `${q(c)} Float64`).join(', ')}`;
  for (let s = 0; s < 2; s++) {
    await ch(urls[s]!, `DROP TABLE IF EXISTS ${local}`);
    await ch(urls[s]!, `CREATE TABLE ${local} (${colDefs}) ENGINE = MergeTree() ORDER BY _rid`);
    // RowBinary: exact doubles, and far faster than VALUES with exact-expression literals
    const mine = Math.ceil((n - s) / 2);
    const buf = Buffer.alloc(Math.max(0, mine) * (4 + 8 * d));
    let o = 0;
    for (let i = s; i < n; i += 2) {
      o = buf.writeInt32LE(i, o);
      for (let j = 0; j < d; j++) o = buf.writeDoubleLE(X[i * d + j]!, o);
    }
    const url = new URL(urls[s]!);
    url.searchParams.set('query', `INSERT INTO ${local} FORMAT RowBinary`);
    const r = await fetch(url, { method: 'POST', body: buf });
    if (!r.ok) throw new Error(`clickhouse: ${(await r.text()).slice(0, 300)}`);
  }
  await ch(urls[0], `DROP TABLE IF EXISTS ${q(name)}`);
  await ch(urls[0], `CREATE TABLE ${q(name)} AS ${local} ENGINE = Distributed(deepmine, default, ${q(`${name}_local`)}, _rid)`);
}

