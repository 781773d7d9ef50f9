/** readCsv 100k x 20 numeric: deepmine vs raw DuckDB vs papaparse (same file, same process). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { DuckDBInstance } from '@duckdb/node-api';
import { RandomState } from '../src/core/random.js';
import { readCsv, closeConnection } from '../src/io/index.js';
import { printTable, timeit, type BenchRow } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const path = join(dir, 'big.csv');
const n = 100_000, d = 20;
const v = new RandomState(0).standardNormal(n * d);
const lines = [Array.from({ length: d }, (_, j) => `f${j}`).join(',')];
for (let i = 0; i < n; i++) lines.push(Array.from(v.subarray(i * d, i * d + d), String).join(','));
writeFileSync(path, lines.join('\n') + '\n');

const rows: BenchRow[] = [];
const task = 'readCsv 100k x 20 -> Float64Array columns';
rows.push({ task, impl: 'deepmine', ms: await timeit(() => readCsv(path), { repeat: 5 }) });
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
rows.push({
  task, impl: 'raw DuckDB (runAndReadAll + getColumnsObjectJS)', ms: await timeit(async () => {
    const r = await con.runAndReadAll(`SELECT * FROM read_csv('${path}')`);
    return Object.values(r.getColumnsObjectJS() as Record<string, number[]>).map((a) => Float64Array.from(a));
  }, { repeat: 5 }),
});
rows.push({
  task, impl: 'papaparse 5.7 (dynamicTyping)', ms: await timeit(() => {
    const res = Papa.parse<number[]>(readFileSync(path, 'utf8'), { dynamicTyping: true, skipEmptyLines: true });
    const data = res.data.slice(1);
    return Array.from({ length: d }, (_, j) => Float64Array.from(data, (r) => r[j]!));
  }, { repeat: 3 }),
});
printTable('I/O: CSV to typed columns', rows);
con.closeSync();
await closeConnection();
rmSync(dir, { recursive: true, force: true });
