/**
 * Decision trees pushed down to a SQL engine with the histogram splitter (`splitter: 'hist'`).
 *
 * 1. Bin edges: the rows of the source (or a repeatable sample of 50,000 rows when there are more)
 *    are fetched once and binned by the same `binFeatures` the in-memory hist splitter uses, so the
 *    edges are identical to an in-memory fit on the same rows.
 * 2. Histograms: one query per round returns, for every node still to be split, the
 *    (node, feature, bin, class) counts (classification) or (node, feature, bin) counts, sums and
 *    sums of squares of y (regression). The tree so far is inlined as a CASE that maps each row to
 *    its open node. Classification on DuckDB: one native `histogram(x, boundaries)` aggregate per
 *    feature, grouped by (node, class); otherwise each feature's bin is the dialect's `binIndex`
 *    (DuckDB: a grid lookup, `binLookup`; PostgreSQL: `width_bucket`), ClickHouse's `countBelow`,
 *    or a binary search written as nested CASEs, and one row becomes d (feature, bin) keys through
 *    the dialect's `explode`. Histogram subtraction: of two siblings only the smaller (known from
 *    the parent's histogram) is aggregated, the other is the parent's minus it.
 * 3. Split choice in TypeScript: `replay` re-runs scikit-learn's depth-first builder and the hist
 *    splitter (the same our_rand_r feature draws, constant-feature bookkeeping, candidate order,
 *    proxy formulas and tie rule) on the histograms. A node that is a leaf before any split search
 *    (max depth, too few rows, pure) takes its totals from its parent's histogram; a node whose
 *    histogram is not fetched yet is recorded and skipped, and the next round fetches all of them
 *    at once. Without exact ties between features the draws cannot change a choice, so a depth-D
 *    tree takes D histogram rounds; with ties (or maxFeatures < nFeatures) the replay corrects
 *    itself with extra rounds until every node it visits has its histogram: the result is the
 *    in-memory tree, not an approximation of it.
 *
 * Counts are integers, so classification histograms, impurities and thresholds are bit-identical
 * to the in-memory hist tree. Regression sums are summed by the engine in its own order: they are
 * bit-identical when y holds integers (exact sums), else equal to rounding, and the structure is
 * identical unless two candidate splits tie to the last bit.
 */
import { DataError, InvalidParameterError } from '../core/errors.js';
import { checkRandomState } from '../core/random.js';
import type { Label } from '../core/validation.js';
import { binFeatures, computeImportances, RAND_R_MAX, resolveTreeSpec, type TreeSpec } from '../tree/base.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../tree/cart.js';
import { pruneTree } from '../tree/prune.js';
import type { TreeArrays } from '../tree/splitter.js';
import { OWNER, run, withState, type Ctx } from './context.js';
import { num, type SqlRow } from './types.js';

const EPSILON = 2.220446049250313e-16;
const TREE_LEAF = -1;
const TREE_UNDEFINED = -2;
/** binFeatures strides over at most this many rows (the in-memory subsample) */
const EDGE_ROWS = 50_000;
const NB = 256;

/** scikit-learn's our_rand_r (the same generator as src/tree/splitter.ts). */
function ourRandR(state: Uint32Array): number {
  if (state[0] === 0) state[0] = 1;
  let s = state[0]!;
  s = (s ^ (s << 13)) >>> 0;
  s = (s ^ (s >>> 17)) >>> 0;
  s = (s ^ (s << 5)) >>> 0;
  state[0] = s;
  return s % (RAND_R_MAX + 1);
}
const randInt = (low: number, high: number, state: Uint32Array): number => low + (ourRandR(state) % (high - low));
const log2 = (x: number): number => Math.log(x) / Math.LN2;

/** One step of a root-to-node path: the split (feature, bin) and the side taken. */
export interface PathStep { f: number; bin: number; left: boolean }
const keyOf = (path: readonly PathStep[]): string => path.map((s) => `${s.f}.${s.bin}${s.left ? 'L' : 'R'}`).join('/');

/**
 * A node's histograms: N[f * 256 + b] rows; classification H[(f * 256 + b) * k + c] class
 * counts; regression S / Q sums and sums of squares of y.
 */
export interface NodeHist {
  n: number;
  N: Float64Array;
  H?: Float64Array;
  S?: Float64Array;
  Q?: Float64Array;
}

interface Problem {
  d: number;
  /** classes (classification) or 0 (regression) */
  k: number;
  criterion: string;
  edges: Float64Array[];
  spec: TreeSpec;
  seed: number;
  /** total weight (rows) at the root */
  wAll: number;
}

interface Split { f: number; bin: number; improvement: number; impurityLeft: number; impurityRight: number }

/** Node impurity from class counts (ClassificationCriterion.impurityOf, one output). */
function classImpurity(cnt: ArrayLike<number>, w: number, entropy: boolean): number {
  let acc = 0;
  if (entropy) {
    for (let c = 0; c < cnt.length; c++) {
      let v = cnt[c]!;
      if (v > 0) { v /= w; acc -= v * log2(v); }
    }
  } else {
    let sq = 0;
    for (let c = 0; c < cnt.length; c++) { const v = cnt[c]!; sq += v * v; }
    acc += 1.0 - sq / (w * w);
  }
  return acc / 1;
}

/** Node totals from feature 0's bins (every feature's bins partition the node's rows). */
function totals(h: NodeHist, pb: Problem): { w: number; cls: Float64Array; s: number; q: number } {
  const k = pb.k;
  const cls = new Float64Array(k);
  let w = 0, s = 0, q = 0;
  for (let b = 0; b < NB; b++) {
    const m = h.N[b]!;
    if (m === 0) continue;
    w += m;
    if (k) for (let c = 0; c < k; c++) cls[c]! += h.H![b * k + c]!;
    else { s += h.S![b]!; q += h.Q![b]!; }
  }
  return { w, cls, s, q };
}

/** A child's totals from its parent's histogram: the split feature's bins up to `bin` (left) or after it. */
function childTotals(parent: NodeHist, step: PathStep, pb: Problem): ReturnType<typeof totals> & { n: number } {
  const k = pb.k;
  const cls = new Float64Array(k);
  let w = 0, s = 0, q = 0;
  const off = step.f * NB;
  const [lo, hi] = step.left ? [0, step.bin + 1] : [step.bin + 1, NB];
  for (let b = lo; b < hi; b++) {
    const m = parent.N[off + b]!;
    if (m === 0) continue;
    w += m;
    if (k) for (let c = 0; c < k; c++) cls[c]! += parent.H![(off + b) * k + c]!;
    else { s += parent.S![off + b]!; q += parent.Q![off + b]!; }
  }
  return { w, cls, s, q, n: w };
}

/**
 * Re-run the depth-first builder with the hist splitter on histograms: the tree, or the paths of
 * the nodes whose histograms are still needed.
 */
export function replay(hists: Map<string, NodeHist>, pb: Problem): { tree: TreeArrays | null; missing: PathStep[][] } {
  const { d, k, spec } = pb;
  const entropy = pb.criterion !== 'gini';
  const minLeaf = spec.minSamplesLeaf, minW = spec.minWeightFractionLeaf * pb.wAll;
  const features = Int32Array.from({ length: d }, (_, j) => j);
  const constantFeatures = new Int32Array(d);
  const rand = Uint32Array.of(pb.seed >>> 0);
  const missing: PathStep[][] = [];
  const stride = k || 1;
  const nodes: { left: number; right: number; feature: number; threshold: number; impurity: number; n: number; w: number; value: number[]; miss: boolean }[] = [];
  let maxDepth = 0;

  const nodeSplit = (h: NodeHist, tot: ReturnType<typeof totals>, impurity: number, nConst: { v: number }): Split | null => {
    const nKnownConst = nConst.v;
    let nTotalConst = nKnownConst, nVisited = 0, nFoundConst = 0, nDrawnConst = 0, fI = d;
    let bestProxy = -Infinity;
    let best: { f: number; bin: number } | null = null;
    const nNode = h.n, wn = tot.w;
    const cl = new Float64Array(stride);
    while (fI > nTotalConst && (nVisited < spec.maxFeatures || nVisited <= nFoundConst + nDrawnConst)) {
      nVisited++;
      let fJ = randInt(nDrawnConst, fI - nFoundConst, rand);
      if (fJ < nKnownConst) {
        const t = features[nDrawnConst]!; features[nDrawnConst] = features[fJ]!; features[fJ] = t;
        nDrawnConst++;
        continue;
      }
      fJ += nFoundConst;
      const f = features[fJ]!;
      const off = f * NB;
      let mn = -1, mx = -1;
      for (let b = 0; b < NB; b++) if (h.N[off + b]! > 0) { if (mn < 0) mn = b; mx = b; }
      if (mn === mx) {
        features[fJ] = features[nTotalConst]!; features[nTotalConst] = f;
        nFoundConst++; nTotalConst++;
        continue;
      }
      fI--;
      features[fJ] = features[fI]!; features[fI] = f;
      // candidates: every non-empty bin but the last, ascending (the in-memory scan order)
      cl.fill(0);
      let wl = 0, nl = 0, sl = 0;
      for (let b = mn; b < mx; b++) {
        const cnt = h.N[off + b]!;
        if (cnt === 0) continue;
        nl += cnt;
        wl += cnt;
        if (k) for (let c = 0; c < k; c++) cl[c]! += h.H![(off + b) * k + c]!;
        else sl += h.S![off + b]!;
        if (nl < minLeaf || nNode - nl < minLeaf) continue;
        const wr = wn - wl;
        if (wl < minW || wr < minW) continue;
        let proxy: number;
        if (k) {
          // Splitter.histScan's inlined criterion
          let il = 0, ir = 0;
          if (entropy) {
            for (let c = 0; c < k; c++) {
              let v = cl[c]!;
              if (v > 0) { v /= wl; il -= v * (Math.log(v) / Math.LN2); }
              v = tot.cls[c]! - cl[c]!;
              if (v > 0) { v /= wr; ir -= v * (Math.log(v) / Math.LN2); }
            }
          } else {
            let sqL = 0, sqR = 0;
            for (let c = 0; c < k; c++) { const l = cl[c]!, r = tot.cls[c]! - l; sqL += l * l; sqR += r * r; }
            il = 1.0 - sqL / (wl * wl);
            ir = 1.0 - sqR / (wr * wr);
          }
          proxy = -wr * ir - wl * il;
        } else {
          const sr = tot.s - sl;
          if (pb.criterion === 'friedman_mse') {
            const diff = wr * sl - wl * sr;
            proxy = (diff * diff) / (wl * wr);
          } else proxy = (sl * sl) / wl + (sr * sr) / wr;
        }
        if (proxy > bestProxy) { bestProxy = proxy; best = { f, bin: b }; }
      }
    }
    constantFeatures.set(features.subarray(nKnownConst, nKnownConst + nFoundConst), nKnownConst);
    features.set(constantFeatures.subarray(0, nKnownConst), 0);
    nConst.v = nTotalConst;
    if (!best) return null;
    // children impurities and the improvement, as crit.update(best.pos) + childrenImpurity
    const off = best.f * NB;
    let wl = 0, sl = 0, ql = 0;
    const clb = new Float64Array(stride);
    for (let b = 0; b <= best.bin; b++) {
      const cnt = h.N[off + b]!;
      if (cnt === 0) continue;
      wl += cnt;
      if (k) for (let c = 0; c < k; c++) clb[c]! += h.H![(off + b) * k + c]!;
      else { sl += h.S![off + b]!; ql += h.Q![off + b]!; }
    }
    const wr = wn - wl;
    let il: number, ir: number, improvement: number;
    if (k) {
      il = classImpurity(clb, wl, entropy);
      ir = classImpurity(tot.cls.map((v, c) => v - clb[c]!), wr, entropy);
    } else {
      const sr = tot.s - sl, qr = tot.q - ql;
      il = ql / wl; ir = qr / wr;
      const ml = sl / wl; il -= ml * ml;
      const mr = sr / wr; ir -= mr * mr;
      il /= 1; ir /= 1;
    }
    if (!k && pb.criterion === 'friedman_mse') {
      const sr = tot.s - sl;
      const diff = (wr * sl - wl * sr) / 1;
      improvement = (diff * diff) / (wl * wr * wn);
    } else improvement = (wn / pb.wAll) * (impurity - (wr / wn) * ir - (wl / wn) * il);
    return { f: best.f, bin: best.bin, improvement, impurityLeft: il, impurityRight: ir };
  };

  /** `tot`: the node's totals from its parent's histogram (every node but the root) */
  interface Rec { path: PathStep[]; depth: number; parent: number; isLeft: boolean; impurity: number; nConst: number; tot?: ReturnType<typeof childTotals> }
  const stack: Rec[] = [{ path: [], depth: 0, parent: TREE_UNDEFINED, isLeft: false, impurity: Infinity, nConst: 0 }];
  const leafBefore = (depth: number, nNode: number, wNode: number) => depth >= spec.maxDepth || nNode < spec.minSamplesSplit || nNode < 2 * spec.minSamplesLeaf || wNode < 2 * minW;
  let first = true;
  while (stack.length) {
    const r = stack.pop()!;
    const h = hists.get(keyOf(r.path));
    // a node that is a leaf before any split search needs only its totals, known from its parent's histogram
    if (!h && !(r.tot && (leafBefore(r.depth, r.tot.n, r.tot.w) || r.impurity <= EPSILON))) { missing.push(r.path); continue; }
    const tot = h ? totals(h, pb) : r.tot!;
    const nNode = h ? h.n : r.tot!.n, wNode = tot.w, depth = r.depth;
    let isLeaf = leafBefore(depth, nNode, wNode);
    let impurity = r.impurity;
    if (first) {
      impurity = k ? classImpurity(tot.cls, wNode, entropy) : tot.q / wNode - (tot.s / wNode) * (tot.s / wNode);
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    let split: Split | null = null;
    const nConst = { v: r.nConst };
    if (!isLeaf) {
      split = nodeSplit(h!, tot, impurity, nConst);
      isLeaf = split === null || split.improvement + EPSILON < spec.minImpurityDecrease;
    }
    const id = nodes.length;
    const value = k ? Array.from(tot.cls) : [tot.s / wNode];
    nodes.push({ left: TREE_LEAF, right: TREE_LEAF, feature: TREE_UNDEFINED, threshold: TREE_UNDEFINED, impurity, n: nNode, w: wNode, value, miss: false });
    if (r.parent !== TREE_UNDEFINED) {
      if (r.isLeft) nodes[r.parent]!.left = id; else nodes[r.parent]!.right = id;
    }
    if (!isLeaf) {
      const s = split!;
      const node = nodes[id]!;
      node.feature = s.f;
      node.threshold = pb.edges[s.f]![s.bin]!;
      // missingGoToLeft as the in-memory builder sets it for splits without missing values
      let nLeft = 0;
      for (let b = 0; b <= s.bin; b++) nLeft += h!.N[s.f * NB + b]!;
      node.miss = nLeft > nNode - nLeft;
      const stepR = { f: s.f, bin: s.bin, left: false }, stepL = { f: s.f, bin: s.bin, left: true };
      stack.push({ path: [...r.path, stepR], depth: depth + 1, parent: id, isLeft: false, impurity: s.impurityRight, nConst: nConst.v, tot: childTotals(h!, stepR, pb) });
      stack.push({ path: [...r.path, stepL], depth: depth + 1, parent: id, isLeft: true, impurity: s.impurityLeft, nConst: nConst.v, tot: childTotals(h!, stepL, pb) });
    }
    if (depth > maxDepth) maxDepth = depth;
  }
  if (missing.length) return { tree: null, missing };
  const c = nodes.length;
  const tree: TreeArrays = {
    nodeCount: c,
    childrenLeft: Int32Array.from(nodes, (x) => x.left),
    childrenRight: Int32Array.from(nodes, (x) => x.right),
    feature: Int32Array.from(nodes, (x) => x.feature),
    threshold: Float64Array.from(nodes, (x) => x.threshold),
    impurity: Float64Array.from(nodes, (x) => x.impurity),
    nNodeSamples: Int32Array.from(nodes, (x) => x.n),
    weightedNNodeSamples: Float64Array.from(nodes, (x) => x.w),
    value: Float64Array.from(nodes.flatMap((x) => x.value)),
    nClasses: stride,
    nOutputs: 1,
    maxDepth,
    missingGoToLeft: Uint8Array.from(nodes, (x) => (x.miss ? 1 : 0)),
  };
  return { tree, missing: [] };
}

/**
 * A feature's bin (the number of edges below the float32 value x32; `edges` end with +inf): the
 * dialect's native lookup when it has one, else a binary search of nested CASEs.
 */
export function binExpr(x32: string, edges: Float64Array, sql: Ctx['sql']): string {
  const { num, countBelow } = sql;
  const nE = edges.length - 1; // the last edge is +inf
  if (nE === 0) return '0';
  const native = sql.binIndex?.(x32, edges.subarray(0, nE), num);
  if (native !== undefined) return native;
  if (countBelow) return countBelow(x32, Array.from(edges.subarray(0, nE), num));
  const go = (lo: number, hi: number): string => {
    if (lo >= hi) return String(lo);
    const mid = (lo + hi) >>> 1;
    return `CASE WHEN ${x32} <= ${num(edges[mid]!)} THEN ${go(lo, mid)} ELSE ${go(mid + 1, hi)} END`;
  };
  return go(0, nE);
}

/** The open nodes' index per row: nested (or, for ClickHouse, flat) CASE over the split paths; -1 elsewhere. */
function nodeExpr(ctx: Ctx, targets: PathStep[][], edges: Float64Array[]): string {
  if (targets.length === 1 && targets[0]!.length === 0) return '0';
  const sql = ctx.sql;
  const test = (s: PathStep) => `${sql.float32(ctx.x[s.f]!)} <= ${sql.num(edges[s.f]![s.bin]!)}`;
  if (sql.flatTrees) {
    return `CASE ${targets.map((p, i) => `WHEN ${p.map((s) => (s.left ? test(s) : `NOT (${test(s)})`)).join(' AND ')} THEN ${i}`).join(' ')} ELSE -1 END`;
  }
  interface Trie { index?: number; split?: PathStep; left?: Trie; right?: Trie }
  const root: Trie = {};
  targets.forEach((p, i) => {
    let t = root;
    for (const s of p) {
      t.split = s;
      t = s.left ? (t.left ??= {}) : (t.right ??= {});
    }
    t.index = i;
  });
  const go = (t: Trie | undefined): string => {
    if (!t) return '-1';
    if (t.index !== undefined) return String(t.index);
    return `CASE WHEN ${test(t.split!)} THEN ${go(t.left)} ELSE ${go(t.right)} END`;
  };
  return go(root);
}

/** Rows of a node's child from the parent's histogram: feature f's bins up to `bin` (left) or after it. */
function childRows(parent: NodeHist, step: PathStep): number {
  let nl = 0;
  for (let b = 0; b <= step.bin; b++) nl += parent.N[step.f * NB + b]!;
  return step.left ? nl : parent.n - nl;
}

/** child = parent - sibling, bin by bin (exact for counts and integer sums). */
function subtractHist(parent: NodeHist, sib: NodeHist): NodeHist {
  const sub = (a: Float64Array, b: Float64Array) => { const o = new Float64Array(a.length); for (let i = 0; i < a.length; i++) o[i] = a[i]! - b[i]!; return o; };
  const out: NodeHist = { n: parent.n - sib.n, N: sub(parent.N, sib.N) };
  if (parent.H) out.H = sub(parent.H, sib.H!);
  if (parent.S) { out.S = sub(parent.S, sib.S!); out.Q = sub(parent.Q!, sib.Q!); }
  return out;
}

/**
 * Histograms of the given open nodes. Histogram subtraction: of two siblings whose parent's
 * histogram is known, only the one with fewer rows is aggregated by the engine (the other rows
 * are filtered out before the aggregate) and the other is the parent's minus it; a node whose
 * sibling is already known costs no query at all.
 */
async function fetchHists(ctx: Ctx, pb: Problem, targets: PathStep[][], hists: Map<string, NodeHist>, classIndex: Map<string, number>, n: number): Promise<void> {
  const wanted = new Set(targets.map(keyOf));
  const query: PathStep[][] = [];
  const derive: { path: PathStep[]; parent: string; sibling: string }[] = [];
  const planned = new Set<string>();
  for (const p of targets) {
    const key = keyOf(p);
    if (planned.has(key)) continue;
    planned.add(key);
    if (p.length === 0) { query.push(p); continue; }
    const last = p[p.length - 1]!;
    const sibPath = [...p.slice(0, -1), { ...last, left: !last.left }];
    const parentKey = keyOf(p.slice(0, -1)), sibKey = keyOf(sibPath);
    const parent = hists.get(parentKey);
    if (!parent) { query.push(p); continue; }
    if (hists.has(sibKey)) { derive.push({ path: p, parent: parentKey, sibling: sibKey }); continue; }
    if (!wanted.has(sibKey) || planned.has(sibKey)) { query.push(p); continue; }
    planned.add(sibKey);
    // fetch the smaller side (the left one on a tie), derive the other
    const nMe = childRows(parent, last), nSib = parent.n - nMe;
    const [small, large] = nMe < nSib || (nMe === nSib && last.left) ? [p, sibPath] : [sibPath, p];
    query.push(small);
    derive.push({ path: large, parent: parentKey, sibling: keyOf(small) });
  }
  if (query.length) await queryHists(ctx, pb, query, hists, classIndex, n);
  for (const { path, parent, sibling } of derive) hists.set(keyOf(path), subtractHist(hists.get(parent)!, hists.get(sibling)!));
}

/** One histogram query for the given open nodes; fills `hists`. */
async function queryHists(ctx: Ctx, pb: Problem, targets: PathStep[][], hists: Map<string, NodeHist>, classIndex: Map<string, number>, n: number): Promise<void> {
  const { sql, x } = ctx;
  const { d, k } = pb;
  if (!sql.explode) throw new InvalidParameterError('engine', 'an engine whose dialect can unnest arrays in the select list (duckdb, postgres, clickhouse, spark)', sql.name, OWNER);
  const node = nodeExpr(ctx, targets, pb.edges);
  const fresh = targets.map((): NodeHist => ({ n: 0, N: new Float64Array(d * NB), ...(k ? { H: new Float64Array(d * NB * k) } : { S: new Float64Array(d * NB), Q: new Float64Array(d * NB) }) }));
  const nodeHist = (t: number): NodeHist => {
    const h = fresh[t];
    if (!h) throw new DataError('source', 'rows that stay the same while the fit runs', `a histogram for unknown node ${t}`, OWNER);
    return h;
  };
  const classOf = (v: unknown): number => {
    const c = classIndex.get(labelKey(v as Label));
    if (c === undefined) throw new DataError(`target '${ctx.yName}'`, 'the labels seen when the fit started', v, OWNER);
    return c;
  };
  if (k && sql.binCounts) {
    // classification where the engine bins natively: GROUP BY (node, class), one histogram aggregate per feature
    const inner = `SELECT ${node} AS deepmine_node, ${ctx.y!} AS deepmine_y, ${x.map((e, j) => `${sql.float64(sql.float32(e))} AS deepmine_x${j}`).join(', ')} FROM ${ctx.from}`;
    const hs = x.map((_, j) => {
      const E = pb.edges[j]!;
      return E.length > 1 ? `${sql.binCounts!(`deepmine_x${j}`, Array.from(E.subarray(0, E.length - 1), sql.num))} AS h${j}` : `count(*) AS h${j}`;
    });
    const q = `SELECT deepmine_node AS node, deepmine_y AS y, ${hs.join(', ')} FROM (${inner}) AS t0 WHERE deepmine_node >= 0 GROUP BY deepmine_node, deepmine_y`;
    const rows: SqlRow[] = await run(ctx, q, true, n);
    const index = pb.edges.map((E) => new Map(Array.from(E.subarray(0, E.length - 1), (e, b) => [e, b] as const)));
    for (const r of rows) {
      const h = nodeHist(num(r, 'node', 'node')), c = classOf(r.y);
      for (let j = 0; j < d; j++) {
        const nE = pb.edges[j]!.length - 1;
        const add = (b: number, cnt: number) => { const fb = j * NB + b; h.N[fb]! += cnt; h.H![fb * k + c]! += cnt; };
        if (nE === 0) { add(0, num(r, `h${j}`, 'count')); continue; }
        for (const [key, cnt] of Object.entries(JSON.parse(String(r[`h${j}`])) as Record<string, number>)) {
          const v = /^\+?inf/i.test(key) ? Infinity : Number(key);
          const b = index[j]!.get(v) ?? (v > pb.edges[j]![nE - 1]! ? nE : -1);
          if (b < 0) throw new DataError('source', 'bin boundaries that round-trip', `an unknown boundary ${key}`, OWNER);
          add(b, cnt);
        }
      }
    }
  } else {
    const inner = `SELECT ${node} AS deepmine_node, ${ctx.y!} AS deepmine_y, ${x.map((e, j) => `${sql.float32(e)} AS deepmine_x${j}`).join(', ')} FROM ${ctx.from}`;
    const keys = Array.from({ length: d }, (_, j) => `deepmine_node * ${d * NB} + ${j * NB} + ${binExpr(`deepmine_x${j}`, pb.edges[j]!, sql)}`);
    const mid = `SELECT ${sql.explode(keys)} AS deepmine_k, deepmine_y FROM (${inner}) AS t0 WHERE deepmine_node >= 0`;
    const q = k
      ? `SELECT deepmine_k AS k, deepmine_y AS y, count(*) AS n FROM (${mid}) AS t1 GROUP BY deepmine_k, deepmine_y`
      : `SELECT deepmine_k AS k, count(*) AS n, sum(${sql.float64('deepmine_y')}) AS s, sum(${sql.float64('deepmine_y')} * ${sql.float64('deepmine_y')}) AS q FROM (${mid}) AS t1 GROUP BY deepmine_k`;
    const rows: SqlRow[] = await run(ctx, q, true, n);
    for (const r of rows) {
      const key = num(r, 'k', 'histogram key');
      const t = Math.floor(key / (d * NB)), fb = key - t * d * NB;
      const h = nodeHist(t);
      const cnt = num(r, 'n', 'count');
      h.N[fb]! += cnt;
      if (k) h.H![fb * k + classOf(r.y)]! += cnt;
      else {
        h.S![fb]! += num(r, 's', ctx.yName!);
        h.Q![fb]! += num(r, 'q', ctx.yName!);
      }
    }
  }
  targets.forEach((p, t) => {
    const h = fresh[t]!;
    let m = 0;
    for (let b = 0; b < NB; b++) m += h.N[b]!;
    h.n = m;
    hists.set(keyOf(p), h);
  });
}

const labelKey = (v: Label | null): string => `${typeof v}:${String(v)}`;

const histograms = new WeakMap<object, { edges: Float64Array[]; classes: Label[]; nodes: Map<string, NodeHist> }>();

/**
 * The per-node histograms a pushed-down tree was grown from (keys: root-to-node paths of
 * `feature.bin` + L/R steps joined by '/', '' for the root), with the bin edges; for checks.
 */
export function treeHistograms(model: object): { edges: Float64Array[]; classes: Label[]; nodes: Map<string, NodeHist> } | undefined {
  return histograms.get(model);
}

/** Fit a DecisionTreeClassifier / DecisionTreeRegressor with splitter 'hist' inside the engine. */
export async function fitTreeSql<E extends DecisionTreeClassifier | DecisionTreeRegressor>(ctx: Ctx, est: E, n: number): Promise<E> {
  const P = est.params;
  const kind = est instanceof DecisionTreeClassifier ? 'DecisionTreeClassifier' : 'DecisionTreeRegressor';
  if (P.splitter !== 'hist') throw new InvalidParameterError('splitter', "'hist' (fitSql grows trees from per-bin histograms)", P.splitter, OWNER);
  if (P.maxLeafNodes !== null) throw new InvalidParameterError('maxLeafNodes', 'null (fitSql grows trees depth-first)', P.maxLeafNodes, OWNER);
  if (est instanceof DecisionTreeClassifier && est.params.classWeight !== null) throw new InvalidParameterError('classWeight', 'null (fitSql fits with unit weights)', est.params.classWeight, OWNER);
  const criterion = P.criterion as string;
  if (criterion === 'absolute_error' || criterion === 'poisson') throw new InvalidParameterError('criterion', "'squared_error' or 'friedman_mse' (sums and sums of squares per bin)", criterion, OWNER);
  if (!ctx.y) throw new InvalidParameterError('target', 'the name of the target column (a tree needs y)', undefined, OWNER);
  const { sql, x } = ctx;
  const d = x.length;
  // completeness (trees take no missing values with splitter 'hist') and, for a classifier, the
  // distinct labels in the same pass (GROUP BY the label, non-NULL counts per group)
  const isClf = est instanceof DecisionTreeClassifier;
  const counts = `count(*) AS n, ${x.map((e, j) => `count(${e}) AS c${j}`).join(', ')}`;
  const cr = isClf
    ? await run(ctx, `SELECT ${ctx.y} AS y, ${counts} FROM ${ctx.from} GROUP BY ${ctx.y}`, true, n)
    : await run(ctx, `SELECT ${counts}, count(${ctx.y}) AS cy FROM ${ctx.from}`, true, n);
  const total = (key: string, what: string, rows = cr) => rows.reduce((a, r) => a + num(r, key, what), 0);
  for (let j = 0; j < d; j++) { const c = total(`c${j}`, ctx.cols[j]!); if (c !== n) throw new DataError(`columns['${ctx.cols[j]}']`, "no missing values (NULL) for splitter 'hist'", `${n - c} NULLs`, OWNER); }
  const cy = isClf ? total('n', ctx.yName!, cr.filter((r) => r.y !== null)) : num(cr[0], 'cy', ctx.yName!);
  if (cy !== n) throw new DataError(`target '${ctx.yName}'`, 'no missing values (NULL)', `${n - cy} NULLs`, OWNER);
  // classes (classification): distinct labels, ordered as checkLabels orders them
  let classes: Label[] = [];
  const classIndex = new Map<string, number>();
  if (isClf) {
    classes = cr.map((r) => r.y as Label);
    const types = new Set(classes.map((c) => typeof c));
    if (types.size !== 1 || !(types.has('number') || types.has('string'))) throw new DataError(`target '${ctx.yName}'`, 'labels of one type (numbers or strings)', [...types].join(', '), OWNER);
    if (types.has('number')) (classes as number[]).sort((a, b) => a - b);
    else classes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    classes.forEach((c, i) => classIndex.set(labelKey(c), i));
  } else {
    const [tr] = await run(ctx, `SELECT ${ctx.y} AS y FROM ${ctx.from} LIMIT 1`, false);
    if (typeof tr?.y !== 'number') throw new DataError(`target '${ctx.yName}'`, 'a numeric column for a regression tree', `a ${typeof tr?.y} value (${JSON.stringify(tr?.y).slice(0, 30)})`, OWNER);
  }
  // bin edges from the rows (<= 50,000: all of them, as the in-memory splitter) or a repeatable sample
  // (float64 values rounded to float32 here, exactly as toColumnMajorF32 does)
  let edgeSql = `SELECT ${x.map((e, j) => `${sql.float64(e)} AS e${j}`).join(', ')} FROM ${ctx.from}`;
  // a hash sample expected to hold 95% of 50,000 rows: repeatable, and (almost surely) all of it is used
  if (n > EDGE_ROWS) edgeSql += ` WHERE ${sql.hashBucket(x, 0x5eed)} < ${Math.floor(((0.95 * EDGE_ROWS) / n) * 4294967296)}`;
  const er = await run(ctx, edgeSql, true, n);
  const m = er.length;
  const Xc = new Float32Array(m * d);
  er.forEach((r, i) => { for (let j = 0; j < d; j++) Xc[j * m + i] = num(r, `e${j}`, ctx.cols[j]!); });
  const edges = binFeatures(Xc, m, d, P.maxBins).binEdges;
  const spec = resolveTreeSpec(P, P.criterion, n, d, kind);
  const seed = checkRandomState(P.randomState, 'randomState', kind).randint(0, RAND_R_MAX);
  const pb: Problem = { d, k: classes.length, criterion, edges, spec, seed, wAll: n };
  const hists = new Map<string, NodeHist>();
  let tree: TreeArrays | null = null;
  for (let round = 0; ; round++) {
    const r = replay(hists, pb);
    if (r.tree) { tree = r.tree; break; }
    await fetchHists(ctx, pb, r.missing, hists, classIndex, n);
  }
  if (P.ccpAlpha > 0) tree = pruneTree(tree, P.ccpAlpha);
  const featureImportances = computeImportances(tree, d);
  const out = est instanceof DecisionTreeClassifier
    ? withState(est, { classes, nFeatures: d, tree, featureImportances })
    : withState(est, { nFeatures: d, nOutputs: 0, tree, featureImportances });
  histograms.set(out, { edges, classes, nodes: hists });
  return out as E;
}
