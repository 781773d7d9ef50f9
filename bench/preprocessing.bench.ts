/**
 * StandardScaler + OneHotEncoder (fit + transform) over 1M rows: deepmine vs scikit-learn (same run).
 * 1M rows x (4 numeric + 3 categorical string columns with 5 / 12 / 40 categories), data drawn by
 * numpy-identical RandomState(0) on both sides. deepmine reads the categorical columns as a Table
 * (dictionary-encoded, what readCsv produces); scikit-learn gets an object array of strings.
 */
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { encodeCategorical, Table } from '../src/core/table.js';
import { OneHotEncoder, StandardScaler } from '../src/preprocessing/index.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

const N = Number(process.env.PREP_BENCH_ROWS ?? 1_000_000);
const CARD = [5, 12, 40];
const rs = new RandomState(0);
const num = new Matrix(rs.standardNormal(N * 4), N, 4);
const cats = CARD.map((k, c) => {
  const codes = rs.randint(0, k, N);
  const labels = Array.from({ length: k }, (_, v) => `c${c}_${v}`);
  return encodeCategorical(`cat${c}`, Array.from(codes, (v) => labels[v]!));
});
const table = new Table(cats);

const rows: BenchRow[] = [];
const task = `StandardScaler + OneHotEncoder, ${N.toLocaleString('en')} rows`;
const ms = await timeit(() => {
  const a = new StandardScaler().fitTransform(num);
  const b = new OneHotEncoder().fitTransform(table);
  return a.rows + b.cols;
}, { repeat: 3 });
rows.push({ task, impl: 'deepmine', ms, note: `numeric Matrix + Table (${CARD.reduce((a, b) => a + b, 0)} one-hot columns, dense)` });
const ms1 = await timeit(() => new StandardScaler().fitTransform(num), { repeat: 3 });
rows.push({ task: 'StandardScaler only', impl: 'deepmine', ms: ms1 });
const ms2 = await timeit(() => new OneHotEncoder().fitTransform(table), { repeat: 3 });
rows.push({ task: 'OneHotEncoder only', impl: 'deepmine', ms: ms2 });

const py = runPython<{ both: number; scaler: number; onehot: number; onehotDense: number; version: string }>(`
import json, time, numpy as np, sklearn
from sklearn.preprocessing import StandardScaler, OneHotEncoder
N = ${N}; CARD = ${JSON.stringify(CARD)}
rs = np.random.RandomState(0)
num = rs.standard_normal(N * 4).reshape(N, 4)
cols = []
for c, k in enumerate(CARD):
    labels = np.array(['c%d_%d' % (c, v) for v in range(k)], dtype=object)
    cols.append(labels[rs.randint(0, k, N)])
cat = np.column_stack(cols).astype(object)
def t(fn, r=3):
    fn(); ts = []
    for _ in range(r):
        s = time.perf_counter(); fn(); ts.append((time.perf_counter() - s) * 1000)
    return sorted(ts)[len(ts) // 2]
both = t(lambda: (StandardScaler().fit_transform(num), OneHotEncoder().fit_transform(cat)))
scaler = t(lambda: StandardScaler().fit_transform(num))
onehot = t(lambda: OneHotEncoder().fit_transform(cat))
dense = t(lambda: OneHotEncoder(sparse_output=False).fit_transform(cat))
print(json.dumps(dict(both=both, scaler=scaler, onehot=onehot, onehotDense=dense, version=sklearn.__version__)))`);
const v = py?.version ?? '';
rows.push({ task, impl: `scikit-learn ${v}`, ms: py?.both ?? null, note: py ? 'float64 array + object array of strings, sparse one-hot output (its default)' : 'python3-sklearn not available' });
rows.push({ task: 'StandardScaler only', impl: `scikit-learn ${v}`, ms: py?.scaler ?? null });
rows.push({ task: 'OneHotEncoder only', impl: `scikit-learn ${v}`, ms: py?.onehot ?? null, note: 'sparse output' });
rows.push({ task: 'OneHotEncoder only', impl: `scikit-learn ${v} (dense)`, ms: py?.onehotDense ?? null, note: 'sparse_output=False' });
printTable('Preprocessing fit + transform', rows);
