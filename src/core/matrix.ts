import { DataError, ShapeError } from './errors.js';

/**
 * Dense row-major matrix of float64. `data[i * cols + j]` is row i, column j.
 * Cheap to construct around an existing buffer; `row(i)` is a view, not a copy.
 */
export class Matrix {
  constructor(
    readonly data: Float64Array,
    readonly rows: number,
    readonly cols: number,
  ) {
    if (data.length !== rows * cols) {
      throw new ShapeError('data', `length rows*cols = ${rows}*${cols} = ${rows * cols}`, `length ${data.length}`, 'Matrix');
    }
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(new Float64Array(rows * cols), rows, cols);
  }

  /** Copy from nested arrays; all rows must have the same length. */
  static fromRows(rows: ArrayLike<ArrayLike<number>>, name = 'X'): Matrix {
    const n = rows.length;
    const d = n > 0 ? rows[0]!.length : 0;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (r == null || typeof r.length !== 'number') throw new DataError(name, 'an array of number rows', `row ${i} is ${String(r)}`);
      if (r.length !== d) throw new ShapeError(name, `rows of equal length ${d} (from row 0)`, `row ${i} of length ${r.length}`);
      for (let j = 0; j < d; j++) out[i * d + j] = r[j]!;
    }
    return new Matrix(out, n, d);
  }

  /** A column vector (n x 1) or row vector copy of values. */
  static column(values: ArrayLike<number>): Matrix {
    return new Matrix(Float64Array.from(values), values.length, 1);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Row i as a view into `data` (writes go through). */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Column j as a new array. */
  col(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0, k = j; i < this.rows; i++, k += this.cols) out[i] = this.data[k]!;
    return out;
  }

  /** New matrix with the given rows, in the given order. */
  takeRows(indices: ArrayLike<number>): Matrix {
    const c = this.cols;
    const out = new Float64Array(indices.length * c);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      out.set(this.data.subarray(i * c, i * c + c), k * c);
    }
    return new Matrix(out, indices.length, c);
  }

  /** New matrix with the given columns, in the given order. */
  takeCols(indices: ArrayLike<number>): Matrix {
    const m = indices.length;
    const out = new Float64Array(this.rows * m);
    for (let i = 0; i < this.rows; i++) {
      const base = i * this.cols;
      for (let k = 0; k < m; k++) out[i * m + k] = this.data[base + indices[k]!]!;
    }
    return new Matrix(out, this.rows, m);
  }

  transpose(): Matrix {
    const { rows: n, cols: d, data } = this;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j * n + i] = data[i * d + j]!;
    return new Matrix(out, d, n);
  }

  copy(): Matrix {
    return new Matrix(this.data.slice(), this.rows, this.cols);
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  toJSON(): { shape: [number, number]; data: number[] } {
    return { shape: [this.rows, this.cols], data: Array.from(this.data) };
  }
}
