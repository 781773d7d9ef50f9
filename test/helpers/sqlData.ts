/** Test data for the SQL pushdown tests: a matrix loaded into an engine as a table, exactly. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlEngine } from '../../src/sql/types.js';
import { dialectRules } from '../../src/sql/dialect.js';

/** CREATE TABLE `name` with a row id `_rid` and the given columns and rows (numbers as exact shortest text). */
export async function loadTable(engine: SqlEngine, name: string, columns: string[], X: ArrayLike<number>, n: number): Promise<void> {
  const sql = dialectRules(engine.dialect);
  const d = columns.length;
  const t = sql.ident(name);
  await engine.query(`DROP TABLE IF EXISTS ${t}`);
  if (engine.dialect === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'deepmine-sql-'));
    try {
      const file = join(dir, 'x.csv');
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push([i, ...Array.from({ length: d }, (_, j) => String(X[i * d + j]))].join(','));
      writeFileSync(file, lines.join('\n') + '\n');
      const cols = `{'_rid': 'INTEGER', ${columns.map((c) => `${sql.str(c)}: 'DOUBLE'`).join(', ')}}`;
      await engine.query(`CREATE TABLE ${t} AS SELECT * FROM read_csv(${sql.str(file)}, header = false, columns = ${cols})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  await engine.query(`CREATE TABLE ${t} (_rid INTEGER, ${columns.map((c) => `${sql.ident(c)} DOUBLE PRECISION`).join(', ')})`);
  for (let s = 0; s < n; s += 500) {
    const rows: string[] = [];
    for (let i = s; i < Math.min(n, s + 500); i++) rows.push(`(${i}, ${Array.from({ length: d }, (_, j) => `'${X[i * d + j]}'::float8`).join(', ')})`);
    await engine.query(`INSERT INTO ${t} VALUES ${rows.join(', ')}`);
  }
}

/** Evaluate expressions over a table, rows in `_rid` order. */
export async function evalExprs(engine: SqlEngine, table: string, exprs: string[]): Promise<(number | string | null)[][]> {
  const sql = dialectRules(engine.dialect);
  const rows = await engine.query(`SELECT ${exprs.map((e, i) => `${e} AS e${i}`).join(', ')} FROM ${sql.ident(table)} ORDER BY _rid`);
  return rows.map((r) => exprs.map((_, i) => r[`e${i}`] as number | string | null));
}
