/**
 * Test-only Hungarian-matched clustering accuracy (used until src/metrics/assignment.ts lands):
 * the classic O(n^3) shortest augmenting path algorithm on a square cost matrix.
 */
export function clusteringAccuracyLocal(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  const t = Array.from(new Set(Array.from(yTrue))).sort((a, b) => a - b);
  const q = Array.from(new Set(Array.from(yPred))).sort((a, b) => a - b);
  const m = Math.max(t.length, q.length);
  const C = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) C[q.indexOf(yPred[i]!)]![t.indexOf(yTrue[i]!)]! -= 1;
  // rows = predicted clusters, cols = classes; minimise -count
  const INF = Infinity;
  const u = new Array(m + 1).fill(0), v = new Array(m + 1).fill(0), pp = new Array(m + 1).fill(0), way = new Array(m + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    pp[0] = i;
    let j0 = 0;
    const minv = new Array(m + 1).fill(INF), used = new Array(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = pp[j0];
      let delta = INF, j1 = 0;
      for (let j = 1; j <= m; j++) if (!used[j]) {
        const cur = C[i0 - 1]![j - 1]! - u[i0] - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (let j = 0; j <= m; j++) if (used[j]) { u[pp[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
      j0 = j1;
    } while (pp[j0] !== 0);
    do { const j1 = way[j0]; pp[j0] = pp[j1]; j0 = j1; } while (j0);
  }
  let matched = 0;
  for (let j = 1; j <= m; j++) if (pp[j]) matched -= C[pp[j] - 1]![j - 1]!;
  return matched / n;
}
