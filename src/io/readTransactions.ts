/**
 * Node-only readers of transaction files into a {@link TransactionDB} (interned Int32 items, CSR):
 * FIMI `.dat` (one transaction per line, items are whitespace-separated integers), basket CSV
 * (one transaction per line, items separated by a delimiter) and long CSV (`transaction_id,item`
 * rows).
 *
 * The file is read in fixed-size chunks (1 MiB by default) by an incremental parser that carries
 * the partial line (or number) across chunk boundaries: no whole-file Buffer (Node's limit is
 * 2 GiB) and no whole-file string (512 MiB), so any file whose items fit in memory loads. Items
 * go straight into one growing Int32Array plus offsets; no per-transaction JS arrays.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { checkRegularFile } from './source.js';
import { StringDecoder } from 'node:string_decoder';
import { DataError, InvalidParameterError, IOError } from '../core/errors.js';
import { compareItems, sortUnique, TransactionDB, type Item } from '../assoc/transactions.js';
import { toIOError } from './atomic.js';

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
  /** Bytes read per chunk (default 1 MiB); memory for reading stays at this size whatever the file size. */
  chunkBytes?: number;
}

const OWNER = 'readTransactions';
const MAX_ITEMS = 0x7fffffff; // offsets are Int32

/** A growing Int32Array (doubling). */
class IntList {
  a: Int32Array;
  n = 0;
  constructor(cap = 1024) { this.a = new Int32Array(cap); }
  push(v: number): void {
    if (this.n === this.a.length) this.grow();
    this.a[this.n++] = v;
  }
  grow(): void {
    if (this.a.length >= MAX_ITEMS) throw new DataError('file', `fewer than ${MAX_ITEMS} items in all`, 'more', OWNER);
    // doubling while small, 1.5x when large (a 2 GB array doubled would need 6 GB at the copy)
    this.reserve(this.a.length < 1 << 26 ? this.a.length * 2 : Math.ceil(this.a.length * 1.5));
  }
  /** Make room for `cap` values (never shrinks). */
  reserve(cap: number): void {
    cap = Math.min(MAX_ITEMS, Math.max(cap, this.n));
    if (cap <= this.a.length) return;
    const g = new Int32Array(cap);
    g.set(this.a.subarray(0, this.n));
    this.a = g;
  }
  /** The used part, copied only when more than a quarter of the capacity is unused. */
  done(): Int32Array {
    return this.n * 4 >= this.a.length * 3 ? this.a.subarray(0, this.n) : this.a.slice(0, this.n);
  }
}

/**
 * Read a transaction file. Duplicate items in a transaction are dropped; with `keepEmpty: false`
 * (default) blank lines are skipped.
 *
 * @example
 * const db = readTransactions('../shared/datasets/fimi/T10I4D100K.dat'); // 100000 transactions
 * const sets = fpGrowth(db, { minSupport: 0.01 }); // 385 itemsets
 */
export function readTransactions(path: string, opts: ReadTransactionsOptions = {}): TransactionDB {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new InvalidParameterError('path', 'a non-empty file path', path, OWNER);
  if (opts === null || typeof opts !== 'object') throw new InvalidParameterError('options', 'an options object', opts, OWNER);
  const format = opts.format ?? (path.toLowerCase().endsWith('.dat') ? 'fimi' : 'basket');
  if (format !== 'fimi' && format !== 'basket' && format !== 'long') throw new InvalidParameterError('format', "'fimi', 'basket' or 'long'", format, OWNER);
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '\n' || delimiter === '"') throw new InvalidParameterError('delimiter', 'a single character (not a newline or a quote)', delimiter, OWNER);
  for (const k of ['header', 'keepEmpty'] as const) if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new InvalidParameterError(k, 'a boolean', opts[k], OWNER);
  const chunkBytes = opts.chunkBytes ?? 1 << 20;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 1 << 30) throw new InvalidParameterError('chunkBytes', 'an integer in [1, 2^30]', chunkBytes, OWNER);
  const parser: ChunkParser = format === 'fimi'
    ? new FimiParser(path, opts.header ?? false, opts.keepEmpty ?? false)
    : new LineParser(format === 'basket' ? new BasketLines(delimiter, opts.keepEmpty ?? false) : new LongLines(delimiter, path), opts.header ?? format === 'long');
  readChunks(path, chunkBytes, (chunk) => parser.push(chunk), (f) => parser.expect(f));
  return parser.finish();
}

interface ChunkParser {
  push(chunk: Uint8Array): void;
  /** After the first chunk: size the arrays for the whole file from what it held (one allocation instead of many copies). */
  expect(fraction: number): void;
  finish(): TransactionDB;
}

function readChunks(path: string, chunkBytes: number, onChunk: (b: Uint8Array) => void, onFirst?: (fraction: number) => void): void {
  let fd: number;
  try {
    checkRegularFile(path, OWNER);
    fd = openSync(path, 'r');
  } catch (e) {
    throw toIOError(path, e, OWNER, 'cannot read the transactions file');
  }
  const buf = Buffer.allocUnsafe(chunkBytes);
  let size = 0, seen = 0;
  try { size = statSync(path).size; } catch { /* unknown size: no estimate */ }
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, chunkBytes, null);
      } catch (e) {
        throw toIOError(path, e, OWNER, 'cannot read the transactions file');
      }
      if (n === 0) break;
      onChunk(buf.subarray(0, n));
      if (seen === 0 && size > n * 4 && onFirst) onFirst(n / size);
      seen += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Incremental FIMI parser: integers separated by spaces/tabs, lines by \n (\r ignored). */
class FimiParser implements ChunkParser {
  private items = new IntList(1 << 16);
  private offsets = new IntList(1024);
  private v = 0;
  private inNum = false;
  private lineOpen = false;
  private lineStart = 0;
  private line: number;
  private skipping: boolean;
  private maxId = -1;

  constructor(private readonly path: string, header: boolean, private readonly keepEmpty: boolean) {
    this.offsets.push(0);
    this.skipping = header;
    this.line = 1;
  }

  push(bytes: Uint8Array): void {
    const len = bytes.length;
    let i = 0;
    if (this.skipping) {
      while (i < len && bytes[i] !== 10) i++;
      if (i === len) return;
      this.skipping = false;
      this.line++;
      i++;
    }
    // hot loop on locals; state is written back at the end of the chunk (and before any call
    // that reads it)
    const it = this.items;
    let a = it.a, n = it.n, v = this.v, inNum = this.inNum, lineOpen = this.lineOpen, maxId = this.maxId;
    for (; i < len; i++) {
      const b = bytes[i]!;
      if (b >= 48 && b <= 57) {
        v = v * 10 + (b - 48);
        inNum = true;
        continue;
      }
      if (inNum) {
        if (v > 0x7ffffffe) throw new DataError('file', 'item ids below 2^31 - 1', `an id of ${v} on line ${this.line}`, OWNER);
        if (n === a.length) { it.n = n; it.grow(); a = it.a; }
        a[n++] = v;
        if (v > maxId) maxId = v;
        v = 0;
        inNum = false;
        lineOpen = true;
      }
      if (b === 10) {
        lineOpen = false;
        this.line++;
        if (n === this.lineStart && !this.keepEmpty) continue;
        n = this.lineStart + sortUnique(a, this.lineStart, n);
        this.offsets.push(n);
        this.lineStart = n;
      } else if (b === 32 || b === 9 || b === 13) lineOpen = true;
      else throw new IOError(this.path, `FIMI format expects non-negative integer item ids; found ${JSON.stringify(String.fromCharCode(b))} on line ${this.line}`);
    }
    if (inNum && v > 0x7ffffffe) throw new DataError('file', 'item ids below 2^31 - 1', `an id of ${v} on line ${this.line}`, OWNER);
    it.n = n;
    this.v = v;
    this.inNum = inNum;
    this.lineOpen = lineOpen || inNum;
    this.maxId = maxId;
  }

  expect(fraction: number): void {
    this.items.reserve(Math.ceil((this.items.n / fraction) * 1.05) + 1024);
    this.offsets.reserve(Math.ceil((this.offsets.n / fraction) * 1.05) + 1024);
  }

  private item(v: number): void {
    const it = this.items;
    if (it.n === it.a.length) it.grow();
    it.a[it.n++] = v;
    if (v > this.maxId) this.maxId = v;
  }

  private endLine(): void {
    const it = this.items;
    this.lineOpen = false;
    if (it.n === this.lineStart && !this.keepEmpty) return;
    it.n = this.lineStart + sortUnique(it.a, this.lineStart, it.n);
    this.offsets.push(it.n);
    this.lineStart = it.n;
  }

  finish(): TransactionDB {
    if (this.inNum) { this.item(this.v); this.inNum = false; this.v = 0; }
    if (this.lineOpen) this.endLine();
    const offsets = this.offsets.done();
    if (offsets.length === 1) throw new DataError('file', 'at least one transaction', 'no transaction', OWNER);
    const n = this.items.n;
    const items = this.items.a;
    const maxId = this.maxId;
    // intern in place: ids in numeric order (dense table for ids < 2^24, else a sorted distinct list)
    const labels: Item[] = [];
    if (maxId < 1 << 24) {
      const present = new Uint8Array(maxId + 1);
      for (let k = 0; k < n; k++) present[items[k]!] = 1;
      const remap = new Int32Array(maxId + 1);
      for (let v = 0; v <= maxId; v++) if (present[v]) { remap[v] = labels.length; labels.push(v); }
      for (let k = 0; k < n; k++) items[k] = remap[items[k]!]!;
    } else {
      const sorted = items.slice(0, n).sort();
      const m = sortUnique(sorted, 0, n);
      const distinct = sorted.subarray(0, m);
      for (let k = 0; k < m; k++) labels.push(distinct[k]!);
      for (let k = 0; k < n; k++) {
        let lo = 0, hi = m - 1;
        const v = items[k]!;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (distinct[mid]! < v) lo = mid + 1; else hi = mid; }
        items[k] = lo;
      }
    }
    return TransactionDB.unchecked(labels, offsets, this.items.done());
  }
}

/** Parse FIMI bytes already in memory (see {@link readTransactions} for files). */
export function parseFimi(bytes: Uint8Array, path = '<bytes>', header = false, keepEmpty = false): TransactionDB {
  const p = new FimiParser(path, header, keepEmpty);
  p.push(bytes);
  return p.finish();
}

/** What to do with each complete text line. */
interface LineSink { line(text: string, lineNo: number): void; expect?(fraction: number): void; finish(): TransactionDB }

/** UTF-8 chunks -> complete lines (the partial last line is carried to the next chunk). */
class LineParser implements ChunkParser {
  private decoder = new StringDecoder('utf8');
  private carry = '';
  private lineNo = 0;
  private skipFirst: boolean;
  constructor(private readonly sink: LineSink, header: boolean) { this.skipFirst = header; }

  push(chunk: Uint8Array): void {
    const text = this.carry + this.decoder.write(chunk as Buffer);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.emit(text.slice(start, nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  expect(fraction: number): void { this.sink.expect?.(fraction); }

  private emit(line: string): void {
    this.lineNo++;
    if (this.skipFirst) { this.skipFirst = false; return; }
    this.sink.line(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNo);
  }

  finish(): TransactionDB {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest.trim() !== '') this.emit(rest);
    return this.sink.finish();
  }
}

function splitLine(line: string, delimiter: string): string[] {
  // RFC 4180-style quotes are honoured within a line; fields are trimmed
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

/** String items interned in first-seen order; `build` renumbers them in sorted order. */
class Interner {
  private index = new Map<string, number>();
  readonly seen: string[] = [];
  id(s: string): number {
    let id = this.index.get(s);
    if (id === undefined) { id = this.seen.length; this.index.set(s, id); this.seen.push(s); }
    return id;
  }
}

/** CSR (first-seen ids) -> TransactionDB with labels sorted, duplicates dropped; in place. */
function build(items: IntList, offsets: IntList, seen: string[]): TransactionDB {
  if (offsets.n <= 1) throw new DataError('file', 'at least one transaction', 'no transaction', OWNER);
  const order = seen.map((_, k) => k).sort((a, b) => compareItems(seen[a]!, seen[b]!));
  const remap = new Int32Array(seen.length);
  order.forEach((old, id) => (remap[old] = id));
  const a = items.a, off = offsets.a;
  let w = 0, s = 0;
  for (let t = 0; t + 1 < offsets.n; t++) {
    const e = off[t + 1]!; // original end (the compacted offsets are written behind)
    const start = w;
    for (let k = s; k < e; k++) a[w++] = remap[a[k]!]!;
    w = start + sortUnique(a, start, w);
    off[t + 1] = w;
    s = e;
  }
  items.n = w;
  return TransactionDB.unchecked(order.map((k) => seen[k]!), offsets.done(), items.done());
}

class BasketLines implements LineSink {
  private items = new IntList(1 << 16);
  private offsets = new IntList(1024);
  private names = new Interner();
  constructor(private readonly delimiter: string, private readonly keepEmpty: boolean) { this.offsets.push(0); }

  line(text: string): void {
    const fields = text.trim() === '' ? [] : splitLine(text, this.delimiter);
    let any = false;
    for (const f of fields) if (f.length > 0) { this.items.push(this.names.id(f)); any = true; }
    if (!any && !this.keepEmpty) return;
    this.offsets.push(this.items.n);
  }

  expect(fraction: number): void {
    this.items.reserve(Math.ceil((this.items.n / fraction) * 1.05) + 1024);
    this.offsets.reserve(Math.ceil((this.offsets.n / fraction) * 1.05) + 1024);
  }

  finish(): TransactionDB { return build(this.items, this.offsets, this.names.seen); }
}

class LongLines implements LineSink {
  private tIndex = new Map<string, number>();
  private tx: number[][] = [];
  private names = new Interner();
  constructor(private readonly delimiter: string, private readonly path: string) {}

  line(text: string, lineNo: number): void {
    if (text.trim() === '') return;
    const f = splitLine(text, this.delimiter);
    if (f.length < 2) throw new IOError(this.path, `long format expects 'transaction_id${this.delimiter}item' rows; line ${lineNo} has ${f.length} field(s)`);
    let t = this.tIndex.get(f[0]!);
    if (t === undefined) { t = this.tx.length; this.tIndex.set(f[0]!, t); this.tx.push([]); }
    const item = f[1]!;
    if (item === '') return;
    this.tx[t]!.push(this.names.id(item));
  }

  finish(): TransactionDB {
    const items = new IntList(1024), offsets = new IntList(this.tx.length + 1);
    offsets.push(0);
    for (const t of this.tx) { for (const v of t) items.push(v); offsets.push(items.n); }
    return build(items, offsets, this.names.seen);
  }
}
