/** Node-only writers: CSV (streamed, exact doubles) and Parquet (through DuckDB, types kept). */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidParameterError, IOError } from '../core/errors.js';
import { Table, type Column } from '../core/table.js';
import { connection, sqlIdent, sqlString } from './duckdb.js';

export interface WriteCsvOptions {
  /** Field delimiter (default ','). */
  delimiter?: string;
  /** Write the header row (default true). */
  header?: boolean;
  /** Overwrite an existing file (default true, like pandas' to_csv). */
  overwrite?: boolean;
}

function quote(s: string, delim: string): string {
  return s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function cell(c: Column, i: number, delim: string): string {
  switch (c.kind) {
    case 'numeric': { const v = c.values[i]!; return Number.isNaN(v) ? '' : String(v); }
    case 'boolean': { const v = c.values[i]!; return Number.isNaN(v) ? '' : v ? 'true' : 'false'; }
    case 'date': { const v = c.values[i]!; return Number.isNaN(v) ? '' : new Date(v).toISOString(); }
    case 'categorical': { const k = c.codes[i]!; return k < 0 ? '' : quote(c.labels[k]!, delim); }
  }
}

/**
 * Write a Table as CSV. Numbers are written in shortest round-trip form, so `readCsv` gives back
 * the identical doubles; missing values are empty fields.
 */
export function writeCsv(table: Table, path: string, opts: WriteCsvOptions = {}): void {
  if (!(table instanceof Table)) throw new InvalidParameterError('table', 'a Table', table, 'writeCsv');
  const delim = opts.delimiter ?? ',';
  let fd: number;
  try {
    fd = openSync(path, opts.overwrite === false ? 'wx' : 'w');
  } catch (e) {
    throw new IOError(path, `writeCsv: cannot open for writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const cols = table.columns;
    let buf = (opts.header ?? true) ? cols.map((c) => quote(c.name, delim)).join(delim) + '\n' : '';
    for (let i = 0; i < table.nRows; i++) {
      let line = '';
      for (let j = 0; j < cols.length; j++) line += (j ? delim : '') + cell(cols[j]!, i, delim);
      buf += line + '\n';
      if (buf.length > 1 << 16) { writeSync(fd, buf); buf = ''; }
    }
    if (buf) writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

const DUCK_TYPE = { numeric: 'DOUBLE', boolean: 'BOOLEAN', date: 'TIMESTAMP', categorical: 'VARCHAR' } as const;

/** Write a Table as Parquet (column kinds kept: DOUBLE, BOOLEAN, TIMESTAMP, VARCHAR). */
export async function writeParquet(table: Table, path: string, opts: { overwrite?: boolean } = {}): Promise<void> {
  if (!(table instanceof Table)) throw new InvalidParameterError('table', 'a Table', table, 'writeParquet');
  if (opts.overwrite === false) {
    try { closeSync(openSync(path, 'wx')); rmSync(path); } catch { throw new IOError(path, 'writeParquet: file exists and overwrite is false'); }
  }
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-'));
  const tmp = join(dir, 'table.csv');
  try {
    writeCsv(table, tmp);
    const types = table.columns.map((c) => `${sqlString(c.name)}: '${DUCK_TYPE[c.kind]}'`).join(', ');
    const con = await connection();
    const select = table.columns.length ? table.columns.map((c) => sqlIdent(c.name)).join(', ') : '*';
    try {
      await con.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(tmp)}, header = true, columns = {${types}})) TO ${sqlString(path)} (FORMAT parquet)`);
    } catch (e) {
      throw new IOError(path, `writeParquet: ${(e as Error).message.split('\n')[0]}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
