/**
 * Linear sum assignment (scipy.optimize.linear_sum_assignment, scipy 1.10's
 * `rectangular_lsap.cpp` step for step) and the Hungarian-matched clustering accuracy of the
 * deep-clustering literature.
 */
import { DataError, ShapeError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkLabels, checkSameLength, type Label, type LabelsLike } from '../core/validation.js';

/** A cost matrix: rows of numbers or a Matrix. `Infinity` marks a forbidden pair; NaN and -Infinity are invalid. */
export type CostMatrixLike = Matrix | ArrayLike<ArrayLike<number>>;

export interface LinearSumAssignmentOptions {
  /** Maximise the total instead of minimising it (default false). */
  maximize?: boolean;
}

export interface Assignment {
  /** row indices, ascending (length min(rows, cols)) */
  rowInd: Int32Array;
  /** column assigned to each row of `rowInd` */
  colInd: Int32Array;
}

const OWNER = 'linearSumAssignment';

function costData(cost: CostMatrixLike): { data: Float64Array; nr: number; nc: number } {
  if (cost instanceof Matrix) return { data: cost.data, nr: cost.rows, nc: cost.cols };
  if (cost == null || typeof (cost as ArrayLike<unknown>).length !== 'number') throw new DataError('cost', 'a 2-D array (rows of numbers) or a Matrix', cost, OWNER);
  const nr = cost.length;
  if (nr === 0) return { data: new Float64Array(0), nr: 0, nc: 0 };
  const first = cost[0];
  if (first == null || typeof first !== 'object' || typeof first.length !== 'number') throw new ShapeError('cost', 'a 2-D array (a matrix), not a 1-D array', cost, OWNER);
  const nc = first.length;
  const data = new Float64Array(nr * nc);
  for (let i = 0; i < nr; i++) {
    const row = cost[i]!;
    if (row == null || row.length !== nc) throw new ShapeError('cost', `rows of equal length ${nc}`, `row ${i} of length ${row?.length}`, OWNER);
    for (let j = 0; j < nc; j++) {
      const v = row[j]!;
      if (typeof v !== 'number') throw new DataError('cost', 'numbers', `${typeof v} at [${i}, ${j}]`, OWNER);
      data[i * nc + j] = v;
    }
  }
  return { data, nr, nc };
}

/**
 * Solve the linear sum assignment problem: pick one column for each row (or one row for each
 * column when there are more rows) with no column used twice, minimising (or with `maximize`,
 * maximising) the summed cost. Equal to scipy.optimize.linear_sum_assignment: the same shortest
 * augmenting path algorithm (Crouse 2016, scipy 1.10's rectangular_lsap.cpp) in the same
 * operation order, so ties are broken the same way.
 *
 * Throws a DataError naming `cost` for NaN or -Infinity entries (+Infinity under `maximize`),
 * and for infeasible matrices (no assignment with a finite total, e.g. a row of +Infinity).
 *
 * @example
 * const { rowInd, colInd } = linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]);
 * // rowInd [0, 1, 2], colInd [1, 0, 2]: total 1 + 2 + 2 = 5
 */
export function linearSumAssignment(cost: CostMatrixLike, opts: LinearSumAssignmentOptions = {}): Assignment {
  let { data, nr, nc } = costData(cost);
  const maximize = opts.maximize ?? false;
  if (typeof maximize !== 'boolean') throw new DataError('maximize', 'a boolean', maximize, OWNER);
  if (nr === 0 || nc === 0) return { rowInd: new Int32Array(0), colInd: new Int32Array(0) };
  const transpose = nc < nr;
  if (transpose || maximize) {
    const temp = new Float64Array(nr * nc);
    if (transpose) {
      for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) temp[j * nr + i] = data[i * nc + j]!;
      [nr, nc] = [nc, nr];
    } else temp.set(data);
    if (maximize) for (let k = 0; k < temp.length; k++) temp[k] = -temp[k]!;
    data = temp;
  }
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v !== v || v === -Infinity) {
      const i = Math.floor(k / nc), j = k % nc;
      const at = transpose ? `[${j}, ${i}]` : `[${i}, ${j}]`;
      throw new DataError('cost', maximize ? 'entries that are not NaN or +Infinity (maximize: true)' : 'entries that are not NaN or -Infinity', `${maximize ? -v : v} at ${at}`, OWNER);
    }
  }
  const col4row = solveCore(data, nr, nc);
  if (col4row === null) throw new DataError('cost', 'a feasible cost matrix (an assignment with a finite total)', 'a matrix whose every assignment uses an infinite entry', OWNER);
  const n = nr;
  const rowInd = new Int32Array(n), colInd = new Int32Array(n);
  if (transpose) {
    // argsort of col4row (distinct values): original rows ascending
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => col4row[a]! - col4row[b]!);
    order.forEach((v, i) => { rowInd[i] = col4row[v]!; colInd[i] = v; });
  } else {
    for (let i = 0; i < n; i++) { rowInd[i] = i; colInd[i] = col4row[i]!; }
  }
  return { rowInd, colInd };
}

/** scipy's `solve` on a wide (nr <= nc), valid cost matrix: col4row, or null when infeasible. */
function solveCore(cost: Float64Array, nr: number, nc: number): Int32Array | null {
  const u = new Float64Array(nr), v = new Float64Array(nc);
  const shortestPathCosts = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const SR = new Uint8Array(nr), SC = new Uint8Array(nc);
  const remaining = new Int32Array(nc);
  for (let curRow = 0; curRow < nr; curRow++) {
    // augmenting_path
    let minVal = 0;
    let i = curRow;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    SR.fill(0);
    SC.fill(0);
    shortestPathCosts.fill(Infinity);
    let sink = -1;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      SR[i] = 1;
      const base = i * nc, ui = u[i]!;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it]!;
        const r = minVal + cost[base + j]! - ui - v[j]!;
        if (r < shortestPathCosts[j]!) { path[j] = i; shortestPathCosts[j] = r; }
        const s = shortestPathCosts[j]!;
        if (s < lowest || (s === lowest && row4col[j] === -1)) { lowest = s; index = it; }
      }
      minVal = lowest;
      if (minVal === Infinity) return null;
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      SC[j] = 1;
      remaining[index] = remaining[--numRemaining]!;
    }
    // update dual variables
    u[curRow]! += minVal;
    for (let r = 0; r < nr; r++) if (SR[r] && r !== curRow) u[r]! += minVal - shortestPathCosts[col4row[r]!]!;
    for (let j = 0; j < nc; j++) if (SC[j]) v[j]! -= minVal - shortestPathCosts[j]!;
    // augment previous solution
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const t = col4row[r]!;
      col4row[r] = j;
      j = t;
      if (r === curRow) break;
    }
  }
  return col4row;
}

export interface ClusterMatching {
  /** Hungarian-matched accuracy in [0, 1] */
  accuracy: number;
  /** predicted cluster -> true label it is matched to (clusters left unmatched are absent) */
  mapping: Map<Label, Label>;
  /** number of rows on the matched pairs */
  matched: number;
}

/**
 * Best one-to-one matching of predicted clusters to true classes (maximum total agreement,
 * solved by `linearSumAssignment` on the contingency table) and the resulting accuracy.
 * Works with any label values and with different numbers of clusters and classes.
 */
export function matchClusters(yTrue: LabelsLike, yPred: LabelsLike): ClusterMatching {
  const owner = 'clusteringAccuracy';
  checkSameLength(yTrue, yPred, 'yTrue', 'yPred', owner);
  if (yTrue.length === 0) throw new DataError('yTrue', 'a non-empty array of labels', 'length 0', owner);
  const t = checkLabels(yTrue, null, { name: 'yTrue', owner });
  const p = checkLabels(yPred, null, { name: 'yPred', owner });
  const R = p.classes.length, C = t.classes.length;
  const w = new Float64Array(R * C);
  for (let i = 0; i < t.encoded.length; i++) w[p.encoded[i]! * C + t.encoded[i]!]! += 1;
  const { rowInd, colInd } = linearSumAssignment(new Matrix(w, R, C), { maximize: true });
  let matched = 0;
  const mapping = new Map<Label, Label>();
  for (let k = 0; k < rowInd.length; k++) {
    matched += w[rowInd[k]! * C + colInd[k]!]!;
    mapping.set(p.classes[rowInd[k]!]!, t.classes[colInd[k]!]!);
  }
  return { accuracy: matched / yTrue.length, mapping, matched };
}

/**
 * Clustering accuracy (ACC) as used by the deep-clustering literature (DEC, IDEC, N2D): the
 * share of rows whose cluster, after the best one-to-one relabelling of clusters to classes
 * (Hungarian algorithm on the contingency table), equals their true class.
 *
 * @example
 * clusteringAccuracy([0, 0, 1, 1, 2], [1, 1, 0, 0, 0]); // 0.8
 */
export function clusteringAccuracy(yTrue: LabelsLike, yPred: LabelsLike): number {
  return matchClusters(yTrue, yPred).accuracy;
}
