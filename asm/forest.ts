/**
 * WebAssembly prediction kernel of histogram gradient boosting (`src/ensemble/forest.ts`),
 * compiled ahead of time by `scripts/build-wasm.mjs` into `src/ensemble/forestWasm.generated.ts`.
 * The module has its own memory (each thread its own instance); the caller copies the packed
 * forest and a block of rows in, calls `predictBlock`, and reads the block's raw scores back.
 *
 * Nodes are 16-byte records at `nodes + 16 * i`: f64 threshold, i32 feature | (missing go left) << 31,
 * i32 left child (the right child follows it). A leaf has threshold +Inf, missing-left set and
 * itself as left child, so one more step from a leaf stays on it: every row descends a tree in
 * exactly `depth[t]` branch-free steps (4 rows at once: four independent dependency chains).
 * Numeric splits only (forests with categorical splits use the TypeScript kernel).
 *
 * Sums: tree t adds `value[leaf]` to `out[(t % K) * rows + i]` for every row of the block before
 * tree t + 1, so each row's float64 sum runs in tree order: the same additions, in the same order,
 * as the TypeScript kernel (bit-identical results).
 */

/** One branch-free step down from node `a` for the row at `xr`: the next node. */
// @ts-ignore: decorator
@inline
function step(nodes: usize, a: i32, xr: usize): i32 {
  const na = nodes + (<usize>a << 4);
  const fw = load<i32>(na, 8);
  const v = load<f64>(xr + (<usize>(fw & 0x7fffffff) << 3));
  const r = i32(v > load<f64>(na)) | (i32(v != v) & ((fw >>> 31) ^ 1));
  return load<i32>(na, 12) + r;
}

/**
 * Add trees 0..nTrees of the forest to the raw scores of `rows` rows (row-major f64 at `x`, `d`
 * columns): `out` is column-major rows x K (f64), already holding the scores so far.
 * `roots` and `depths` are i32 per tree; `values` f64 per node.
 */
export function predictBlock(nodes: usize, values: usize, roots: usize, depths: usize, nTrees: i32, K: i32, x: usize, rows: i32, d: i32, out: usize): void {
  const rowBytes = <usize>d << 3;
  for (let t = 0; t < nTrees; t++) {
    const root = load<i32>(roots + (<usize>t << 2));
    const depth = load<i32>(depths + (<usize>t << 2));
    const ob = out + ((<usize>(t % K) * <usize>rows) << 3);
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      const x0 = x + <usize>i * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      let a = root;
      let b = root;
      let c = root;
      let e = root;
      for (let s = 0; s < depth; s++) {
        const na = step(nodes, a, x0);
        const nb = step(nodes, b, x1);
        const nc = step(nodes, c, x2);
        const ne = step(nodes, e, x3);
        // all four on their leaves (a leaf steps to itself): the rest of the steps change nothing
        const moved = (na ^ a) | (nb ^ b) | (nc ^ c) | (ne ^ e);
        a = na;
        b = nb;
        c = nc;
        e = ne;
        if (moved == 0) break;
      }
      const o = ob + (<usize>i << 3);
      store<f64>(o, load<f64>(o) + load<f64>(values + (<usize>a << 3)));
      store<f64>(o, load<f64>(o, 8) + load<f64>(values + (<usize>b << 3)), 8);
      store<f64>(o, load<f64>(o, 16) + load<f64>(values + (<usize>c << 3)), 16);
      store<f64>(o, load<f64>(o, 24) + load<f64>(values + (<usize>e << 3)), 24);
    }
    for (; i < rows; i++) {
      const xr = x + <usize>i * rowBytes;
      let a = root;
      for (let s = 0; s < depth; s++) a = step(nodes, a, xr);
      const o = ob + (<usize>i << 3);
      store<f64>(o, load<f64>(o) + load<f64>(values + (<usize>a << 3)));
    }
  }
}
