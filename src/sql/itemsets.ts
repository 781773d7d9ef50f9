/**
 * Frequent itemsets over transactions stored as (tid, item) rows in a SQL engine.
 *
 * 1. one pass: the number of transactions (distinct tids);
 * 2. one pass: level 1, the count of distinct tids per item, frequent items only (HAVING);
 * 3. one pass: the frequent pairs, a self-join on tid of the distinct (tid, frequent item) rows;
 * 4. one pass: the distinct baskets with their weights: each transaction reduced to its items that
 *    take part in a frequent pair (an item in no frequent pair can only be a frequent singleton),
 *    as a sorted list of item codes, grouped by that list.
 *
 * The weighted baskets are mined in memory with FP-Growth (src/assoc's FP-tree, one insert per
 * distinct basket with its weight, then the same conditional-tree recursion as `mineFPGrowth`).
 * The counts are integers computed exactly on both sides, so the itemsets and counts equal
 * `fpGrowth` on the same transactions; the pairs found by SQL are checked against the pairs mined
 * from the baskets (a difference means the data changed between the passes: a DataError).
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { FPTree, fpTreeMiner } from '../assoc/fpgrowth.js';
import { checkMaxLen, ItemsetBuffer, itemsetGuard, type Itemset, type MineOptions } from '../assoc/itemsets.js';
import { compareItems, resolveMinCount, type Item } from '../assoc/transactions.js';
import { dialectRules } from './dialect.js';
import { OWNER, reports, run, type Ctx } from './context.js';
import { EngineError, num, type SqlEngine } from './types.js';

export interface ItemsetsSqlOptions extends MineOptions {
  engine: SqlEngine;
  /** the transaction id column (default 'tid') */
  tid?: string;
  /** the item column (default 'item') */
  item?: string;
  /**
   * The number of transactions (the support denominator) when some have no rows (empty baskets);
   * default: the number of distinct tids.
   */
  nTransactions?: number;
}


function itemLiteral(v: Item, ctx: Ctx): string {
  return typeof v === 'number' ? (Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : ctx.sql.num(v)) : ctx.sql.str(v);
}

/**
 * Frequent itemsets of the transactions in `source` ((tid, item) rows: a table name or
 * `{sql, columns}`), counted by the engine up to pairs and mined from distinct weighted baskets
 * above; the same itemsets, counts and order as `fpGrowth` on the same transactions.
 */
export async function fpGrowthSqlWith(source: string | { sql: string; columns?: readonly string[] }, opts: ItemsetsSqlOptions): Promise<Itemset[]> {
  const engine = opts?.engine;
  if (!engine || typeof engine.query !== 'function') throw new InvalidParameterError('engine', 'a SqlEngine (duckdbEngine(), postgresEngine(url), ...)', engine, OWNER);
  if (engine.closed) throw new EngineError(engine.dialect, 'the engine is closed');
  const sql = dialectRules(engine.dialect);
  const maxLen = checkMaxLen(opts.maxLen, OWNER);
  const tidName = opts.tid ?? 'tid', itemName = opts.item ?? 'item';
  for (const [k, v] of [['tid', tidName], ['item', itemName]] as const) if (typeof v !== 'string' || v.length === 0) throw new InvalidParameterError(k, 'a column name', v, OWNER);
  let from: string;
  if (typeof source === 'string' && source.length > 0) from = source.split('.').map((p) => sql.ident(p)).join('.');
  else if (source && typeof source === 'object' && typeof source.sql === 'string') from = `(${source.sql}) AS deepmine_src`;
  else throw new InvalidParameterError('source', 'a table name or {sql} of (tid, item) rows', source, OWNER);
  const tid = sql.ident(tidName), item = sql.ident(itemName);
  const ctx: Ctx = { engine, sql, from, cols: [tidName, itemName], x: [tid, item], report: { passes: 0, queries: 0, rowsScanned: 0, sql: [] } };
  const [c0] = await run(ctx, `SELECT count(*) AS m, count(DISTINCT ${tid}) AS n FROM ${from}`, true);
  const m = num(c0, 'm', 'rows'), nTid = num(c0, 'n', tidName);
  ctx.report.rowsScanned += m;
  const n = opts.nTransactions ?? nTid;
  if (!Number.isInteger(n) || n < nTid) throw new InvalidParameterError('nTransactions', `an integer >= the ${nTid} distinct tids`, opts.nTransactions, OWNER);
  if (n === 0) throw new DataError('source', 'at least one transaction', 'no rows', OWNER);
  const minCount = resolveMinCount(opts, n, OWNER);
  const pass = (q: string) => run(ctx, q, true, m);

  // level 1
  const l1 = await pass(`SELECT ${item} AS item, count(DISTINCT ${tid}) AS c FROM ${from} WHERE ${item} IS NOT NULL GROUP BY ${item} HAVING count(DISTINCT ${tid}) >= ${minCount}`);
  const freq = l1.map((r) => {
    const v = r.item;
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) throw new DataError(`columns['${itemName}']`, 'item labels that are strings or finite numbers', `a ${typeof v} value`, OWNER);
    return { item: v as Item, count: num(r, 'c', 'count') };
  });
  freq.sort((a, b) => compareItems(a.item, b.item));
  const labels = freq.map((f) => f.item);
  const nF = labels.length;
  // FP-Growth ranks: count descending, ties by id (compareItems order), as `prepare`
  const order = Array.from({ length: nF }, (_, i) => i).sort((a, b) => freq[b]!.count - freq[a]!.count || a - b);
  const rankToId = Int32Array.from(order);
  const idToRank = new Int32Array(nF);
  order.forEach((id, r) => { idToRank[id] = r; });
  const buf = new ItemsetBuffer(rankToId, itemsetGuard(OWNER, opts.budget));
  const one = new Int32Array(1);
  const code = nF ? `CASE ${item} ${labels.map((l, i) => `WHEN ${itemLiteral(l, ctx)} THEN ${i}`).join(' ')} ELSE -1 END` : '-1';
  const distinctRows = `SELECT DISTINCT ${tid} AS deepmine_t, ${code} AS deepmine_i FROM ${from} WHERE ${item} IS NOT NULL`;
  const join = sql.innerJoin ?? 'INNER JOIN';

  // pairs
  const pairs = new Map<number, number>();
  if (maxLen >= 2 && nF >= 2) {
    const a = `SELECT deepmine_t, deepmine_i AS deepmine_a FROM (${distinctRows}) AS d0 WHERE deepmine_i >= 0`;
    const b = `SELECT deepmine_t, deepmine_i AS deepmine_b FROM (${distinctRows}) AS d1 WHERE deepmine_i >= 0`;
    const rows = await pass(`SELECT deepmine_a AS a, deepmine_b AS b, count(*) AS c FROM (${a}) AS ta ${join} (${b}) AS tb USING (deepmine_t) WHERE deepmine_a < deepmine_b GROUP BY deepmine_a, deepmine_b HAVING count(*) >= ${minCount}`);
    ctx.report.rowsScanned += m; // the self-join reads the rows twice
    for (const r of rows) pairs.set(num(r, 'a', 'item') * nF + num(r, 'b', 'item'), num(r, 'c', 'count'));
  }
  const active = new Uint8Array(nF);
  for (const key of pairs.keys()) { active[Math.floor(key / nF)] = 1; active[key % nF] = 1; }
  if (maxLen <= 2 || pairs.size === 0) {
    for (let id = 0; id < nF; id++) { one[0] = idToRank[id]!; buf.add(one, 1, freq[id]!.count); }
    const two = new Int32Array(2);
    if (maxLen >= 2) for (const [key, c] of pairs) { two[0] = idToRank[Math.floor(key / nF)]!; two[1] = idToRank[key % nF]!; buf.add(two, 2, c); }
  } else {
    // weighted baskets of the items in a frequent pair
    const act = labels.map((_, i) => i).filter((i) => active[i]);
    const inAct = act.length === nF ? 'deepmine_i >= 0' : `deepmine_i IN (${act.join(', ')})`;
    const baskets = await pass(`SELECT deepmine_b AS b, count(*) AS w FROM (SELECT deepmine_t, ${sql.sortedIntList('deepmine_i')} AS deepmine_b FROM (${distinctRows}) AS d0 WHERE ${inAct} GROUP BY deepmine_t) AS t1 GROUP BY deepmine_b`);
    const tree = new FPTree(nF);
    tree.reset(nF);
    const path = new Int32Array(nF);
    for (const r of baskets) {
      const codes = String(r.b).split(',').map(Number);
      let len = 0;
      for (const c of codes) {
        if (!(c >= 0 && c < nF)) throw new DataError('source', 'rows that stay the same while the fit runs', `an unknown item code ${c}`, OWNER);
        path[len++] = idToRank[c]!;
      }
      const p = path.subarray(0, len).sort();
      tree.insert(p, len, num(r, 'w', 'weight'));
    }
    fpTreeMiner(nF, maxLen, buf, minCount).mine(tree, 0);
    // singletons of the items in no frequent pair; check the mined pairs against SQL's
    for (let id = 0; id < nF; id++) if (!active[id]) { one[0] = idToRank[id]!; buf.add(one, 1, freq[id]!.count); }
    let minedPairs = 0;
    for (let i = 0; i < buf.size; i++) {
      const s = buf.offsets[i]!;
      if (buf.len(i) === 1 && active[buf.items[s]!] && buf.counts[i] !== freq[buf.items[s]!]!.count) throw new DataError('source', 'rows that stay the same while the fit runs', `item ${String(labels[buf.items[s]!])} counted ${freq[buf.items[s]!]!.count} then ${buf.counts[i]}`, OWNER);
      if (buf.len(i) !== 2) continue;
      minedPairs++;
      if (pairs.get(buf.items[s]! * nF + buf.items[s + 1]!) !== buf.counts[i]) throw new DataError('source', 'rows that stay the same while the fit runs', 'pair counts that differ between the pair pass and the basket pass', OWNER);
    }
    if (minedPairs !== pairs.size) throw new DataError('source', 'rows that stay the same while the fit runs', `${pairs.size} frequent pairs in SQL, ${minedPairs} in the baskets`, OWNER);
  }
  const out = buf.toItemsets({ labels, nTransactions: n });
  reports.set(out, ctx.report);
  return out;
}
