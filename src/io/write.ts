/**
 * Node-only writers: CSV (streamed, exact doubles) and Parquet (through DuckDB, types kept).
 * Both write atomically through atomic.ts (temp file in the target's directory + fsync + rename)
 * and never replace an existing file unless `overwrite: true`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, InvalidParameterError } from '../core/errors.js';
import { Table, type Column } from '../core/table.js';
import { AtomicWriter, commitTemp, prepareTarget, tempPathFor, toIOError, type AtomicWriteOptions } from './atomic.js';
import { withConnection } from './connection.js';
import { optBool, optChar, sqlIdent, sqlString } from './source.js';

export interface WriteCsvOptions extends Pick<AtomicWriteOptions, 'overwrite' | 'followSymlinks'> {
  /** Field delimiter, one character (default ','). */
  delimiter?: string;
  /** Write the header row (default true). */
  header?: boolean;
}

export type WriteParquetOptions = Pick<AtomicWriteOptions, 'overwrite' | 'followSymlinks'>;

function quote(s: string, delim: string): string {
  return s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim() || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

function cell(c: Column, i: number, delim: string, owner: string): string {
  switch (c.kind) {
    case 'numeric': { const v = c.values[i]!; return Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v); }
    case 'boolean': { const v = c.values[i]!; return Number.isNaN(v) ? '' : v ? 'true' : 'false'; }
    case 'date': {
      const v = c.values[i]!;
      if (Number.isNaN(v)) return '';
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new DataError('table', 'dates within +-8.64e15 ms of 1970', `${v} at row ${i} of date column ${JSON.stringify(c.name)}`, owner);
      return d.toISOString();
    }
    case 'categorical': { const k = c.codes[i]!; return k < 0 ? '' : quote(c.labels[k]!, delim); }
  }
}

function checkWriteArgs(table: unknown, opts: unknown, owner: string): void {
  if (!(table instanceof Table)) throw new InvalidParameterError('table', 'a Table', table, owner);
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, owner);
}

/**
 * Write a Table as CSV. Numbers are written in shortest round-trip form, so `readCsv` gives back
 * the identical doubles; missing values are empty fields (an empty string is written `""`).
 * Atomic: the file appears complete or not at all; an existing file is kept unless
 * `overwrite: true` (then it is replaced in one rename, or left intact if anything fails).
 */
export function writeCsv(table: Table, path: string, opts: WriteCsvOptions = {}): void {
  const owner = 'writeCsv';
  checkWriteArgs(table, opts, owner);
  const delim = optChar(opts.delimiter, 'delimiter', owner) ?? ',';
  if (delim === '"') throw new InvalidParameterError('delimiter', 'a character other than the quote \'"\'', delim, owner);
  const header = optBool(opts.header, 'header', owner) ?? true;
  const w = AtomicWriter.open(path, { overwrite: opts.overwrite, followSymlinks: opts.followSymlinks, owner });
  try {
    const cols = table.columns;
    let buf = header ? cols.map((c) => quote(c.name, delim)).join(delim) + '\n' : '';
    for (let i = 0; i < table.nRows; i++) {
      let line = '';
      for (let j = 0; j < cols.length; j++) line += (j ? delim : '') + cell(cols[j]!, i, delim, owner);
      buf += line + '\n';
      if (buf.length > 1 << 16) { w.write(buf); buf = ''; }
    }
    if (buf) w.write(buf);
  } catch (e) {
    w.abort();
    throw e;
  }
  w.commit();
}

const DUCK_TYPE = { numeric: 'DOUBLE', boolean: 'BOOLEAN', date: 'TIMESTAMP', categorical: 'VARCHAR' } as const;

/**
 * Write a Table as Parquet (column kinds kept: DOUBLE, BOOLEAN, TIMESTAMP, VARCHAR). DuckDB's
 * `COPY` writes a temporary file in the target's directory, which then takes the target's name
 * (exclusively unless `overwrite: true`).
 */
export async function writeParquet(table: Table, path: string, opts: WriteParquetOptions = {}): Promise<void> {
  const owner = 'writeParquet';
  checkWriteArgs(table, opts, owner);
  const aopts = { overwrite: optBool(opts.overwrite, 'overwrite', owner), followSymlinks: optBool(opts.followSymlinks, 'followSymlinks', owner), owner };
  const target = prepareTarget(path, aopts);
  const dir = mkdtempSync(join(tmpdir(), 'deepmine-'));
  const csv = join(dir, 'table.csv');
  const out = tempPathFor(target.path);
  try {
    writeCsv(table, csv);
    const types = table.columns.map((c) => `${sqlString(c.name)}: '${DUCK_TYPE[c.kind]}'`).join(', ');
    const select = table.columns.length ? table.columns.map((c) => sqlIdent(c.name)).join(', ') : '*';
    await withConnection(async (con) => {
      try {
        await con.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(csv)}, header = true, quote = '"', escape = '"', allow_quoted_nulls = false, auto_detect = false, columns = {${types}})) TO ${sqlString(out)} (FORMAT parquet)`);
      } catch (e) {
        throw toIOError(target.path, e, owner);
      }
    });
    commitTemp(out, target, aopts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { force: true });
  }
}
