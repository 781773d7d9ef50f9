/**
 * Node-only readers of transaction files into a {@link TransactionDB} (interned Int32 items, CSR):
 * FIMI `.dat` (one transaction per line, items are whitespace-separated integers), basket CSV
 * (one transaction per line, items separated by a delimiter) and long CSV (`transaction_id,item`
 * rows). The bytes are scanned once; no per-transaction JS arrays of strings are kept.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { DataError, InvalidParameterError, IOError } from '../core/errors.js';
import { compareItems, resolveMinCount, sortUnique, TransactionDB, type Item } from '../assoc/transactions.js';
import { checkMaxLen, CountingSink, ItemsetBuffer, type Itemset, type MineOptions, type Prepared } from '../assoc/itemsets.js';
import { mineFPGrowth, mineFPGrowthParallel } from '../assoc/fpgrowth.js';
import { resolveNJobs } from '../core/pool.js';

/** Options of {@link readTransactions}. */
export interface ReadTransactionsOptions {
  /**
   * `'fimi'`: whitespace-separated integer item ids, one transaction per line (items are numbers);
   * `'basket'`: one transaction per line, items separated by `delimiter` (items are strings);
   * `'long'`: rows `transaction_id<delimiter>item` (items are strings, transactions in order of first appearance).
   * Default: `'fimi'` for `.dat` files, else `'basket'`.
   */
  format?: 'fimi' | 'basket' | 'long';
  /** Field delimiter for `'basket'` and `'long'` (default `','`). */
  delimiter?: string;
  /** Skip the first line (default: false for fimi/basket, true for long). */
  header?: boolean;
  /** Keep empty lines as empty transactions (default false: blank lines are skipped; they still count if true). */
  keepEmpty?: boolean;
}

const OWNER = 'readTransactions';

/**
 * Read a transaction file. Duplicate items in a transaction are dropped; with `keepEmpty: false`
 * (default) blank lines are skipped.
 *
 * @example
 * const db = readTransactions('../shared/datasets/fimi/T10I4D100K.dat'); // 100000 transactions
 * const sets = fpGrowth(db, { minSupport: 0.01 }); // 385 itemsets
 */
export function readTransactions(path: string, opts: ReadTransactionsOptions = {}): TransactionDB {
  const format = opts.format ?? (path.toLowerCase().endsWith('.dat') ? 'fimi' : 'basket');
  if (format !== 'fimi' && format !== 'basket' && format !== 'long') throw new InvalidParameterError('format', "'fimi', 'basket' or 'long'", format, OWNER);
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1) throw new InvalidParameterError('delimiter', 'a single character', delimiter, OWNER);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new IOError(path, `cannot read transactions file: ${(e as Error).message}`);
  }
  if (format === 'fimi') return parseFimi(bytes, path, opts.header ?? false, opts.keepEmpty ?? false);
  const text = bytes.toString('utf8');
  return format === 'basket' ? parseBasket(text, delimiter, opts.header ?? false, opts.keepEmpty ?? false) : parseLong(text, delimiter, opts.header ?? true, path);
}

/** Parse FIMI bytes: integers separated by spaces/tabs, lines by \n (\r ignored). */
export function parseFimi(bytes: Uint8Array, path = '<bytes>', header = false, keepEmpty = false): TransactionDB {
  let items = new Int32Array(Math.max(16, bytes.length >> 1));
  let offsets = new Int32Array(1024);
  let nT = 0, n = 0, maxId = -1;
  let i = 0;
  const len = bytes.length;
  if (header) { while (i < len && bytes[i] !== 10) i++; i++; }
  let line = header ? 2 : 1;
  while (i < len) {
    const start = n;
    let b = bytes[i]!;
    while (b !== 10 && i < len) {
      if (b >= 48 && b <= 57) {
        let v = 0;
        while (b >= 48 && b <= 57) { v = v * 10 + (b - 48); b = ++i < len ? bytes[i]! : 10; }
        if (v > 0x7ffffffe) throw new DataError('file', 'item ids below 2^31 - 1', `${v} on line ${line}`, OWNER);
        if (n >= items.length) { const g = new Int32Array(items.length * 2); g.set(items); items = g; }
        items[n++] = v;
        if (v > maxId) maxId = v;
      } else if (b === 32 || b === 9 || b === 13) {
        b = ++i < len ? bytes[i]! : 10;
      } else {
        throw new IOError(path, `FIMI format expects non-negative integer item ids; found ${JSON.stringify(String.fromCharCode(b))} on line ${line}`);
      }
    }
    i++; // skip \n
    line++;
    if (n === start && !keepEmpty) continue;
    n = start + sortUnique(items, start, n);
    if (nT + 2 > offsets.length) { const g = new Int32Array(offsets.length * 2); g.set(offsets); offsets = g; }
    offsets[++nT] = n;
  }
  if (nT === 0) throw new DataError('file', 'at least one transaction', 'no transaction', OWNER);
  // intern: ids in numeric order (dense table for ids < 2^24, else a sorted distinct list)
  const labels: Item[] = [];
  const out = new Int32Array(n);
  if (maxId < 1 << 24) {
    const present = new Uint8Array(maxId + 1);
    for (let k = 0; k < n; k++) present[items[k]!] = 1;
    const remap = new Int32Array(maxId + 1);
    for (let v = 0; v <= maxId; v++) if (present[v]) { remap[v] = labels.length; labels.push(v); }
    for (let k = 0; k < n; k++) out[k] = remap[items[k]!]!;
  } else {
    const sorted = items.slice(0, n).sort();
    const m = sortUnique(sorted, 0, n);
    const distinct = sorted.subarray(0, m);
    for (let k = 0; k < m; k++) labels.push(distinct[k]!);
    for (let k = 0; k < n; k++) {
      let lo = 0, hi = m - 1;
      const v = items[k]!;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (distinct[mid]! < v) lo = mid + 1; else hi = mid; }
      out[k] = lo;
    }
  }
  return TransactionDB.unchecked(labels, offsets.slice(0, nT + 1), out);
}

function splitLine(line: string, delimiter: string): string[] {
  // RFC 4180-style quotes are honoured; fields are trimmed
  if (!line.includes('"')) return line.split(delimiter).map((s) => s.trim());
  const out: string[] = [];
  let cur = '', q = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k]!;
    if (q) {
      if (ch === '"') { if (line[k + 1] === '"') { cur += '"'; k++; } else q = false; } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === delimiter) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function build(tx: Int32Array[], seen: string[], owner: string): TransactionDB {
  const order = seen.map((_, k) => k).sort((a, b) => compareItems(seen[a]!, seen[b]!));
  const remap = new Int32Array(seen.length);
  order.forEach((old, id) => (remap[old] = id));
  let total = 0;
  for (const t of tx) total += t.length;
  const items = new Int32Array(total);
  const offsets = new Int32Array(tx.length + 1);
  let n = 0;
  for (let t = 0; t < tx.length; t++) {
    const s = n;
    for (const v of tx[t]!) items[n++] = remap[v]!;
    n = s + sortUnique(items, s, n);
    offsets[t + 1] = n;
  }
  if (tx.length === 0) throw new DataError('file', 'at least one transaction', 'no transaction', owner);
  return TransactionDB.unchecked(order.map((k) => seen[k]!), offsets, items.slice(0, n));
}

function parseBasket(text: string, delimiter: string, header: boolean, keepEmpty: boolean): TransactionDB {
  const lines = text.split('\n');
  const index = new Map<string, number>();
  const seen: string[] = [];
  const tx: Int32Array[] = [];
  for (let l = header ? 1 : 0; l < lines.length; l++) {
    const line = lines[l]!.replace(/\r$/, '');
    const fields = line.trim() === '' ? [] : splitLine(line, delimiter).filter((s) => s.length > 0);
    if (fields.length === 0 && (!keepEmpty || l === lines.length - 1)) continue;
    const ids = new Int32Array(fields.length);
    fields.forEach((f, k) => {
      let id = index.get(f);
      if (id === undefined) { id = seen.length; index.set(f, id); seen.push(f); }
      ids[k] = id;
    });
    tx.push(ids);
  }
  return build(tx, seen, OWNER);
}

function parseLong(text: string, delimiter: string, header: boolean, path: string): TransactionDB {
  const lines = text.split('\n');
  const tIndex = new Map<string, number>();
  const index = new Map<string, number>();
  const seen: string[] = [];
  const tx: number[][] = [];
  for (let l = header ? 1 : 0; l < lines.length; l++) {
    const line = lines[l]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const f = splitLine(line, delimiter);
    if (f.length < 2) throw new IOError(path, `long format expects 'transaction_id${delimiter}item' rows; line ${l + 1} has ${f.length} field(s)`);
    let t = tIndex.get(f[0]!);
    if (t === undefined) { t = tx.length; tIndex.set(f[0]!, t); tx.push([]); }
    const item = f[1]!;
    if (item === '') continue;
    let id = index.get(item);
    if (id === undefined) { id = seen.length; index.set(item, id); seen.push(item); }
    tx[t]!.push(id);
  }
  return build(tx.map((t) => Int32Array.from(t)), seen, OWNER);
}

/**
 * Stream a FIMI file in 1 MiB chunks: `item(v)` for each integer, `end()` at each line end.
 * Memory stays at the chunk size whatever the file size.
 */
function scanFimi(path: string, item: (v: number) => void, end: () => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new IOError(path, `cannot read transactions file: ${(e as Error).message}`);
  }
  const buf = Buffer.allocUnsafe(1 << 20);
  let v = 0, inNum = false, line = 1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (b >= 48 && b <= 57) { v = v * 10 + (b - 48); inNum = true; continue; }
        if (inNum) {
          if (v > 0x7ffffffe) throw new DataError('file', 'item ids below 2^31 - 1', `${v} on line ${line}`, 'fpGrowthFile');
          item(v); v = 0; inNum = false;
        }
        if (b === 10) { end(); line++; } else if (b !== 32 && b !== 9 && b !== 13) {
          throw new IOError(path, `FIMI format expects non-negative integer item ids; found ${JSON.stringify(String.fromCharCode(b))} on line ${line}`);
        }
      }
    }
    if (inNum) item(v);
    end();
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link fpGrowthFile}. */
export interface FileMineOptions extends MineOptions {
  /** Only count the itemsets (total and per length) instead of returning them. */
  countOnly?: boolean;
}

/**
 * Two-pass FP-Growth over a FIMI file that never holds the file: pass 1 streams it to count the
 * items, pass 2 streams it again keeping only the frequent items of each transaction, recoded to
 * Int32 ranks (one flat array). Blank lines are not transactions. Same itemsets as
 * `fpGrowth(readTransactions(path), opts)`.
 *
 * @example
 * const sets = fpGrowthFile('../shared/datasets/fimi/T10I4D100K.dat', { minSupport: 0.005 }); // 1073 itemsets
 */
export function fpGrowthFile(path: string, opts: FileMineOptions & { countOnly: true }): { total: number; byLength: number[] };
export function fpGrowthFile(path: string, opts?: FileMineOptions): Itemset[];
export function fpGrowthFile(path: string, opts: FileMineOptions = {}): Itemset[] | { total: number; byLength: number[] } {
  const prep = prepareFile(path, opts, 'fpGrowthFile');
  if (opts.countOnly) {
    const sink = new CountingSink();
    mineFPGrowth(prep, sink);
    return { total: sink.total, byLength: sink.byLength };
  }
  const buf = new ItemsetBuffer(prep.rankToId);
  mineFPGrowth(prep, buf);
  return buf.toItemsets(prep.db);
}

/**
 * The two passes of {@link fpGrowthFile}: item counts, then the frequent items of each line
 * recoded to Int32 ranks (ascending) in one flat array.
 */
function prepareFile(path: string, opts: FileMineOptions, owner: string): Prepared {
  const maxLen = checkMaxLen(opts.maxLen, owner);
  // pass 1: item counts (a stamp per item drops duplicates inside a line)
  let counts = new Int32Array(1024), stamp = new Int32Array(1024).fill(-1);
  let nT = 0, lineLen = 0;
  scanFimi(path, (v) => {
    if (v >= counts.length) {
      const size = Math.max(v + 1, counts.length * 2);
      const c = new Int32Array(size); c.set(counts); counts = c;
      const s = new Int32Array(size).fill(-1); s.set(stamp); stamp = s;
    }
    if (stamp[v] !== nT) { stamp[v] = nT; counts[v]!++; }
    lineLen++;
  }, () => { if (lineLen > 0) nT++; lineLen = 0; });
  if (nT === 0) throw new DataError('file', 'at least one transaction', 'no transaction', owner);
  const minCount = resolveMinCount(opts, nT, owner);
  const freq: number[] = [];
  for (let v = 0; v < counts.length; v++) if (counts[v]! >= minCount) freq.push(v);
  const labels: Item[] = freq.slice(); // ids = positions in numeric order
  const byRank = freq.map((_, id) => id).sort((a, b) => counts[freq[b]!]! - counts[freq[a]!]! || a - b);
  const rankOf = new Int32Array(counts.length).fill(-1);
  byRank.forEach((id, r) => (rankOf[freq[id]!] = r));
  const rankToId = Int32Array.from(byRank);
  const rankCount = Int32Array.from(byRank, (id) => counts[freq[id]!]!);
  // pass 2: frequent items only, as ranks
  let ranks = new Int32Array(1 << 16);
  const offsets = new Int32Array(nT + 1);
  let w = 0, start = 0, t = 0;
  stamp.fill(-1);
  scanFimi(path, (v) => {
    lineLen++;
    const r = rankOf[v]!;
    if (r < 0 || stamp[v] === t) return;
    stamp[v] = t;
    if (w >= ranks.length) { const g = new Int32Array(ranks.length * 2); g.set(ranks); ranks = g; }
    let j = w++;
    while (j > start && ranks[j - 1]! > r) { ranks[j] = ranks[j - 1]!; j--; }
    ranks[j] = r;
  }, () => {
    if (lineLen > 0) { t++; offsets[t] = w; start = w; }
    lineLen = 0;
  });
  if (t !== nT) throw new IOError(path, 'the file changed between the two passes');
  const prep: Prepared = { db: { labels, nTransactions: nT }, minCount, maxLen, rankToId, rankCount, offsets, ranks: ranks.subarray(0, w) };
  return prep;
}

/**
 * {@link fpGrowthFile} with the mining on `nJobs` threads (see `fpGrowthAsync`): the two streaming
 * passes run here, then the rank-recoded transactions go to SharedArrayBuffers and the calling
 * thread and `nJobs - 1` pool workers claim top-level projections from a shared queue. Same result
 * as `fpGrowthFile`.
 *
 * @example
 * const sets = await fpGrowthFileAsync('../shared/datasets/fimi/T10I4D100K.dat', { minSupport: 0.005, nJobs: 2 }); // 1073 itemsets
 */
export async function fpGrowthFileAsync(path: string, opts: FileMineOptions & { nJobs?: number | null; countOnly: true }): Promise<{ total: number; byLength: number[] }>;
export async function fpGrowthFileAsync(path: string, opts?: FileMineOptions & { nJobs?: number | null }): Promise<Itemset[]>;
export async function fpGrowthFileAsync(path: string, opts: FileMineOptions & { nJobs?: number | null } = {}): Promise<Itemset[] | { total: number; byLength: number[] }> {
  const { nJobs, ...rest } = opts ?? {};
  const owner = 'fpGrowthFileAsync';
  resolveNJobs(nJobs, owner);
  const prep = prepareFile(path, rest, owner);
  if (rest.countOnly) return mineFPGrowthParallel(prep, nJobs, true, owner);
  return (await mineFPGrowthParallel(prep, nJobs, false, owner)).toItemsets(prep.db);
}
