/**
 * readTransactions streams its file in chunks (issue 21): the parser must give the same database
 * whatever the chunk size, with chunk boundaries inside numbers, inside multi-byte UTF-8
 * characters, inside quoted fields and between \r and \n. Checked against a plain whole-string
 * reference parser written here, on seeded random files (fast-check).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidParameterError, IOError, DataError } from '../../src/core/errors.js';
import { fpGrowth } from '../../src/assoc/index.js';
import type { TransactionDB } from '../../src/assoc/transactions.js';
import { fpGrowthFile, readTransactions } from '../../src/io/transactions.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'deepmine-tx-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** The transactions as sorted label lists (the DB's canonical content). */
function content(db: TransactionDB): unknown[][] {
  return Array.from({ length: db.nTransactions }, (_, t) => db.transactionLabels(t));
}

/** Reference: whole-string FIMI parse. */
function refFimi(text: string, keepEmpty: boolean): number[][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: number[][] = [];
  for (const l of lines) {
    const ids = l.split(/[ \t\r]+/).filter((s) => s !== '').map(Number);
    if (ids.length === 0 && !keepEmpty) continue;
    out.push([...new Set(ids)].sort((a, b) => a - b));
  }
  return out;
}

/** Reference: whole-string basket parse (quotes within a line, trimmed fields). */
function refBasket(text: string, delim: string, header: boolean): string[][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1]!.trim() === '') lines.pop();
  const out: string[][] = [];
  for (const [k, raw] of lines.entries()) {
    if (header && k === 0) continue;
    const l = raw.replace(/\r$/, '');
    const fields: string[] = [];
    let cur = '', q = false;
    for (let i = 0; i < l.length; i++) {
      const ch = l[i]!;
      if (q) { if (ch === '"') { if (l[i + 1] === '"') { cur += '"'; i++; } else q = false; } else cur += ch; }
      else if (ch === '"') q = true;
      else if (ch === delim) { fields.push(cur.trim()); cur = ''; } else cur += ch;
    }
    fields.push(cur.trim());
    const items = [...new Set(fields.filter((f) => f !== ''))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (items.length) out.push(items);
  }
  return out;
}

describe('readTransactions: arguments', () => {
  it('non-string paths and bad options are InvalidParameterErrors', () => {
    assert.throws(() => readTransactions(42 as never), (e: unknown) => e instanceof InvalidParameterError && e.param === 'path');
    assert.throws(() => readTransactions(null as never), InvalidParameterError);
    assert.throws(() => readTransactions(''), InvalidParameterError);
    const p = join(dir, 'x.dat');
    writeFileSync(p, '1 2\n');
    assert.throws(() => readTransactions(p, { chunkBytes: 0 }), (e: unknown) => e instanceof InvalidParameterError && e.param === 'chunkBytes');
    assert.throws(() => readTransactions(p, { header: 'yes' as never }), InvalidParameterError);
    assert.throws(() => readTransactions(p, { delimiter: '\n' }), InvalidParameterError);
    assert.throws(() => readTransactions(dir), IOError);
    assert.throws(() => fpGrowthFile(42 as never), InvalidParameterError);
  });

  it('an id of 2^31 - 1 or more split across chunks is a DataError naming the line', () => {
    const p = join(dir, 'big.dat');
    writeFileSync(p, '1 2\n3 2147483647\n');
    assert.throws(() => readTransactions(p, { chunkBytes: 3 }), (e: unknown) => e instanceof DataError && /line 2/.test((e as Error).message));
    writeFileSync(p, '1 2\n3 x\n');
    assert.throws(() => readTransactions(p, { chunkBytes: 2 }), (e: unknown) => e instanceof IOError && /line 2/.test((e as Error).message));
  });
});

describe('readTransactions: chunked parsing equals a whole-file parse', () => {
  it('FIMI, random files, chunk sizes 1..64 bytes (numbers and CRLF split across chunks)', () => {
    const line = fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 2 ** 24, max: 2 ** 31 - 2 }) }), { maxLength: 8 });
    const sep = fc.constantFrom(' ', '  ', '\t', ' \t ');
    const eol = fc.constantFrom('\n', '\r\n', ' \n');
    const file = fc.array(fc.tuple(line, sep, eol), { minLength: 1, maxLength: 40 }).filter((ls) => ls.some(([l]) => l.length > 0));
    let k = 0;
    fc.assert(fc.property(file, fc.integer({ min: 1, max: 64 }), fc.boolean(), fc.boolean(), (ls, chunkBytes, keepEmpty, lastEol) => {
      let text = ls.map(([l, s, e]) => l.join(s) + e).join('');
      if (!lastEol) text = text.replace(/\r?\n$/, '');
      const p = join(dir, `f${k++}.dat`);
      writeFileSync(p, text);
      const ref = refFimi(text, keepEmpty);
      const db = readTransactions(p, { chunkBytes, keepEmpty });
      assert.deepEqual(content(db), ref);
      const whole = readTransactions(p, { keepEmpty });
      assert.deepEqual(Array.from(db.items), Array.from(whole.items));
      assert.deepEqual(Array.from(db.offsets), Array.from(whole.offsets));
    }), { seed: 20261205, numRuns: 300 });
  });

  it('basket CSV, random files with quotes, multi-byte UTF-8 and CRLF, chunk sizes 1..16 bytes', () => {
    const word = fc.constantFrom('milk', 'bread', 'crème brûlée', '寿司', '🍺 beer', 'a "quoted" one', 'x, y', ' pad ', '');
    const cellText = (w: string) => (/[",]/.test(w) ? `"${w.replace(/"/g, '""')}"` : w);
    const file = fc.array(fc.tuple(fc.array(word, { minLength: 0, maxLength: 5 }), fc.constantFrom('\n', '\r\n')), { minLength: 1, maxLength: 25 })
      .filter((ls) => ls.some(([l]) => l.some((w) => w.trim() !== '')));
    let k = 0;
    fc.assert(fc.property(file, fc.integer({ min: 1, max: 16 }), fc.boolean(), (ls, chunkBytes, header) => {
      const text = (header ? 'h1,h2\n' : '') + ls.map(([l, e]) => l.map(cellText).join(',') + e).join('');
      const ref = refBasket(text, ',', header);
      if (ref.length === 0) return;
      const p = join(dir, `b${k++}.csv`);
      writeFileSync(p, text);
      const db = readTransactions(p, { chunkBytes, header });
      assert.deepEqual(content(db), ref);
    }), { seed: 7, numRuns: 300 });
  });

  it('long format in 1-byte chunks equals the default', () => {
    const p = join(dir, 'long.csv');
    writeFileSync(p, 'tid,item\r\n1,milk\r\n2,"crème, brûlée"\r\n1,bread\r\n3,寿司\r\n2,milk\r\n');
    const a = readTransactions(p, { format: 'long', chunkBytes: 1 });
    const b = readTransactions(p, { format: 'long' });
    assert.deepEqual(content(a), [['bread', 'milk'], ['crème, brûlée', 'milk'], ['寿司']]);
    assert.deepEqual(content(a), content(b));
  });

  it('fpGrowth on the chunked reader equals fpGrowthFile', () => {
    const lines: string[] = [];
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 3000; t++) {
      const n = 1 + Math.floor(rnd() * 8);
      lines.push(Array.from({ length: n }, () => Math.floor(rnd() * rnd() * 60)).join(' '));
    }
    const p = join(dir, 'mine.dat');
    writeFileSync(p, lines.join('\n') + '\n');
    const db = readTransactions(p, { chunkBytes: 97 });
    const a = fpGrowth(db, { minSupport: 0.02 });
    const b = fpGrowthFile(p, { minSupport: 0.02 });
    assert.equal(a.length, b.length);
    const key = (x: { items: unknown[]; support: number }) => `${x.items.join(' ')}:${x.support}`;
    assert.deepEqual(a.map(key).sort(), b.map(key).sort());
  });
});
