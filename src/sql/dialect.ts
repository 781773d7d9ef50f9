/**
 * SQL dialects (browser-safe: emitting SQL text needs no driver). Identifiers and literals are
 * always quoted by the dialect's rules, so a column named `a"; DROP TABLE t; --` is a column name,
 * never SQL; numbers are written as exact text cast to a double so every engine parses the same
 * IEEE value (a bare `0.1` is a DECIMAL in DuckDB and a NUMERIC in PostgreSQL).
 */
import { InvalidParameterError } from '../core/errors.js';

export const DIALECTS = ['duckdb', 'postgres', 'clickhouse', 'spark', 'trino', 'bigquery', 'snowflake'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface DialectRules {
  name: Dialect;
  /** quote an identifier (column or table name) */
  ident(name: string): string;
  /** a string literal */
  str(s: string): string;
  /** an exact double literal */
  num(x: number): string;
  /** a value rounded to float32 (scikit-learn's trees compare float32 X) */
  float32(expr: string): string;
  /** a value as double */
  float64(expr: string): string;
  /** e^x */
  exp(expr: string): string;
  /** square root */
  sqrt(expr: string): string;
  /** population variance aggregate */
  varPop(expr: string): string;
  /** smallest of several values */
  least(exprs: string[]): string;
  /** a text key hashing the values (repeatable sampling order) */
  hashKey(exprs: string[]): string;
  /**
   * Trees as one flat CASE over root-to-leaf paths instead of nested CASEs (ClickHouse's analyzer
   * slows down sharply with nesting depth; the flat form is O(leaves x depth)).
   */
  flatTrees?: boolean;
  /** the false literal (ClickHouse 18 has none: 0) */
  no?: string;
  /**
   * A select-list expression that turns one row into one row per array element (DuckDB `unnest`,
   * PostgreSQL `unnest(ARRAY[...])`, ClickHouse `arrayJoin`, Spark `explode`); undefined where the
   * dialect only unnests in FROM (Trino, BigQuery, Snowflake).
   */
  explode?: (exprs: string[]) => string;
  /** A seeded hash of the values, as an integer in [0, 2^32): repeatable row sampling by value. */
  hashBucket(exprs: string[], seed: number): string;
  /** An aggregate: the group's integer values, ascending, as text joined by ',' ('3,17,42'). */
  sortedIntList(expr: string): string;
  /**
   * The number of the (ascending) values below x, when the dialect has a faster form than a
   * binary search of nested CASEs (ClickHouse: `arrayCount` over an array of comparisons; its analyzer
   * slows down sharply on deep CASE nesting).
   */
  countBelow?: (x: string, sortedValues: string[]) => string;
  /**
   * An aggregate: the counts of x per bin (b, b+1] of the ascending boundaries, as JSON text
   * {"boundary": count, ...} (DuckDB's `histogram(x, boundaries)`: a binary search in C++ instead
   * of a CASE per row); values above every boundary go under the largest double.
   */
  binCounts?: (x: string, boundaries: string[]) => string;
  /**
   * The bin of x: the number of the (ascending, finite) edges below x, by a native lookup instead of
   * a binary search of nested CASEs (DuckDB: a grid cell by arithmetic, a list lookup and a few
   * exact comparisons, `binLookup`; PostgreSQL: `width_bucket` over the edges' successors);
   * undefined when the dialect (or these edges) has no such form.
   */
  binIndex?: (x: string, edges: Float64Array, num: (v: number) => string) => string | undefined;
  /** The join keyword for an inner equi-join (ClickHouse 18 needs the strictness: ALL INNER JOIN). */
  innerJoin?: string;
}

const quoteWith = (q: string) => (name: string): string => {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidParameterError('columns', 'non-empty column names', name, 'sql');
  if (name.includes('\0')) throw new InvalidParameterError('columns', 'column names without NUL characters', name, 'sql');
  return q + name.split(q).join(q + q) + q;
};
const ansiStr = (s: string): string => `'${s.split("'").join("''")}'`;
/** BigQuery and Spark treat backslash as an escape inside quotes: escape it too. */
const backslashStr = (s: string): string => `'${s.split('\\').join('\\\\').split("'").join("\\'")}'`;

function numText(x: number): string {
  if (typeof x !== 'number') throw new InvalidParameterError('value', 'a number', x, 'sql');
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Object.is(x, -0) ? '-0' : String(x); // shortest round-trip text
}

const common = (name: Dialect, textType: string, str: (s: string) => string) => ({
  varPop: (e: string) => `var_pop(${e})`,
  least: (es: string[]) => (es.length === 1 ? es[0]! : `LEAST(${es.join(', ')})`),
  hashKey: (es: string[]) => `md5(${es.map((e) => `CAST(${e} AS ${textType})`).join(` || ${str('|')} || `)})`,
  // a portable fallback: the first 8 hex digits of md5 are dialect-specific to decode, so each dialect overrides it
  sortedIntList: (e: string) => `string_agg(CAST(${e} AS ${textType}), ',' ORDER BY ${e})`,
  hashBucket: (es: string[], seed: number) => `MOD(MOD(HASH(${[...es, String(seed >>> 0)].join(', ')}), 4294967296) + 4294967296, 4294967296)`,
  name,
});

/**
 * A double as an exact ClickHouse expression: ClickHouse 18's decimal parser is off by one ulp on
 * about 1% of 17-digit values (measured: 554 of 60,000), so numbers are written as an integer
 * mantissa times a power of two, both exact (`(toFloat64(m) * exp2(e))`).
 */
export function clickhouseExact(x: number): string {
  if (typeof x !== 'number') throw new InvalidParameterError('value', 'a number', x, 'sql');
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '(-0.)' : '0.';
  const b = new DataView(new Float64Array([x]).buffer);
  const hi = b.getUint32(4, true), lo = b.getUint32(0, true);
  const e = (hi >>> 20) & 0x7ff;
  const m = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo) + (e ? 4503599627370496n : 0n);
  const p = (e ? e : 1) - 1075;
  const mag = p === 0 ? `toFloat64(${m})` : `toFloat64(${m}) * exp2(${p})`;
  return hi >>> 31 ? `(-${mag})` : `(${mag})`;
}

/** The next double above a finite x. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const bits = b.getBigUint64(0);
  b.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return b.getFloat64(0);
}

/**
 * A grid lookup for the number of edges below x (DuckDB; x a DOUBLE expression). The cell is
 * c = clamp(floor((x - lo) * sc), 0, C), a monotone function of x in IEEE arithmetic (the same in
 * JavaScript and in the engine), so an edge in a lower cell is below x and an edge in a higher
 * cell above it: bin = L[c] + the comparisons of x with the (at most K) edges in cell c, where
 * L[c] counts the edges in lower cells. The grid is the smallest of 256 .. 4,096 cells with at
 * most 2 edges per cell (or the one with the fewest, up to 6); denser edges: undefined (the caller
 * falls back to a binary search).
 */
export function binLookup(x: string, edges: Float64Array): string | undefined {
  const nE = edges.length;
  if (nE === 0) return '0';
  const lo = edges[0]!, hi = edges[nE - 1]!;
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return undefined;
  let best: { M: number; sc: number; K: number; cells: Int32Array; C: number } | undefined;
  for (const M of [256, 512, 1024, 2048, 4096]) {
    const sc = M / (hi - lo);
    if (!Number.isFinite(sc)) break;
    const cells = Int32Array.from(edges, (e) => Math.floor((e - lo) * sc));
    const C = cells[nE - 1]!;
    let K = 0;
    for (let i = 0, run = 0; i < nE; i++) { run = i > 0 && cells[i] === cells[i - 1] ? run + 1 : 1; if (run > K) K = run; }
    if (!best || K < best.K) best = { M, sc, K, cells, C };
    if (K <= 2) break;
  }
  if (!best || best.K > 6) return undefined;
  const { sc, K, cells, C } = best;
  const L = new Int32Array(C + 1);
  const cmp: number[][] = Array.from({ length: K }, () => new Array<number>(C + 1).fill(Infinity));
  for (let c = 0, i = 0; c <= C; c++) {
    while (i < nE && cells[i]! < c) i++;
    L[c] = i;
    for (let t = 0; t < K && i + t < nE && cells[i + t] === c; t++) cmp[t]![c] = edges[i + t]!;
  }
  const text = (v: number) => (v === Infinity ? 'inf' : String(v));
  const cell = `(CAST(least(greatest(floor((${x} - CAST('${text(lo)}' AS DOUBLE)) * CAST('${text(sc)}' AS DOUBLE)), 0), ${C}) AS INTEGER) + 1)`;
  const parts = [`list_extract(CAST('[${L.join(',')}]' AS INTEGER[]), ${cell})`];
  for (let t = 0; t < K; t++) parts.push(`CAST(${x} > list_extract(CAST('[${cmp[t]!.map(text).join(',')}]' AS DOUBLE[]), ${cell}) AS INTEGER)`);
  return `(${parts.join(' + ')})`;
}

function rules(name: Dialect): DialectRules {
  return { ...common(name, name === 'bigquery' ? 'STRING' : name === 'spark' ? 'STRING' : 'VARCHAR', name === 'bigquery' || name === 'spark' || name === 'clickhouse' ? backslashStr : ansiStr), ...specific(name) };
}

function specific(name: Dialect): Omit<DialectRules, 'varPop' | 'least' | 'hashKey' | 'hashBucket' | 'sortedIntList'> & Partial<DialectRules> {
  const cast = (type: string) => (x: number) => `CAST(${ansiStr(numText(x))} AS ${type})`;
  switch (name) {
    case 'duckdb':
      return {
        name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS FLOAT)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})`,
        explode: (es) => `unnest([${es.join(', ')}])`,
        binCounts: (x, bs) => `CAST(to_json(histogram(${x}, [${bs.join(', ')}])) AS VARCHAR)`,
        binIndex: (x, edges) => binLookup(`CAST(${x} AS DOUBLE)`, edges),
        hashBucket: (es, seed) => `(hash(${[...es, `CAST(${seed >>> 0} AS UBIGINT)`].join(', ')}) % 4294967296)`,
      };
    case 'postgres':
      return {
        name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE PRECISION'), float32: (e) => `CAST(${e} AS REAL)`, float64: (e) => `CAST(${e} AS DOUBLE PRECISION)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})`,
        explode: (es) => `unnest(ARRAY[${es.join(', ')}])`,
        // width_bucket counts the thresholds <= x: the successors of the edges give the edges < x
        binIndex: (x, edges, num) => (edges.length ? `width_bucket(CAST(${x} AS DOUBLE PRECISION), ARRAY[${Array.from(edges, (e) => num(nextUp(e))).join(', ')}])` : '0'),
        // hashtextextended (PostgreSQL >= 11) is seeded; float8 text is the shortest round trip (>= 12)
        hashBucket: (es, seed) => `(hashtextextended(concat_ws('|', ${es.map((e) => `CAST(${e} AS TEXT)`).join(', ')}), ${seed >>> 0}) & 4294967295)`,
      };
    case 'clickhouse':
      return {
        name, ident: quoteWith('`'), str: backslashStr, num: clickhouseExact, float32: (e) => `toFloat32(${e})`, float64: (e) => `toFloat64(${e})`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})`,
        // ClickHouse: camelCase aggregates, a two-argument least, MD5 over concat, flat trees
        flatTrees: true,
        no: '0',
        varPop: (e) => `varPop(${e})`,
        least: (es) => es.reduce((a, b) => `least(${a}, ${b})`),
        hashKey: (es) => `hex(MD5(concat(${es.map((e) => `toString(${e})`).join(", '|', ")})))`,
        explode: (es) => `arrayJoin([${es.join(', ')}])`,
        sortedIntList: (e) => `arrayStringConcat(arrayMap(deepmine_v -> toString(deepmine_v), arraySort(groupArray(${e}))), ',')`,
        innerJoin: 'ALL INNER JOIN',
        // arrayCount over a flat array of comparisons (no lambda: ClickHouse 18 cannot capture a subquery column in one)
        countBelow: (x, vs) => `arrayCount([${vs.map((v) => `${x} > ${v}`).join(', ')}])`,
        hashBucket: (es, seed) => `(cityHash64(${[...es, `toUInt32(${seed >>> 0})`].join(', ')}) % 4294967296)`,
      };
    case 'spark':
      return {
        name, ident: quoteWith('`'), str: backslashStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS FLOAT)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})`,
        explode: (es) => `explode(array(${es.join(', ')}))`,
        sortedIntList: (e) => `array_join(array_sort(collect_list(${e})), ',')`,
        hashBucket: (es, seed) => `pmod(hash(${[...es, String(seed >>> 0)].join(', ')}), 4294967296)`,
      };
    case 'trino':
      return {
        name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS REAL)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})`,
        sortedIntList: (e) => `array_join(array_sort(array_agg(${e})), ',')`,
        hashBucket: (es, seed) => `bitwise_and(from_big_endian_64(xxhash64(to_utf8(concat_ws('|', ${[...es.map((e) => `CAST(${e} AS VARCHAR)`), `'${seed >>> 0}'`].join(', ')})))), 4294967295)`,
      };
    case 'bigquery':
      // BigQuery has no float32: FLOAT64 comparisons of float32-rounded thresholds can differ on values between float32 neighbours
      return {
        name, ident: quoteWith('`'), str: backslashStr, num: (x) => `CAST(${backslashStr(numText(x).replace('Infinity', 'inf'))} AS FLOAT64)`, float32: (e) => `CAST(${e} AS FLOAT64)`, float64: (e) => `CAST(${e} AS FLOAT64)`, exp: (e) => `EXP(${e})`, sqrt: (e) => `SQRT(${e})`,
        hashBucket: (es, seed) => `MOD(MOD(FARM_FINGERPRINT(CONCAT(${[...es.map((e) => `CAST(${e} AS STRING)`), `'${seed >>> 0}'`].join(", '|', ")})), 4294967296) + 4294967296, 4294967296)`,
      };
    case 'snowflake':
      // Snowflake's FLOAT is a double; no float32 type either
      return {
        sortedIntList: (e) => `LISTAGG(${e}, ',') WITHIN GROUP (ORDER BY ${e})`, name, ident: quoteWith('"'), str: ansiStr, num: (x) => `CAST(${ansiStr(numText(x).replace('Infinity', 'inf'))} AS DOUBLE)`, float32: (e) => `CAST(${e} AS DOUBLE)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `EXP(${e})`, sqrt: (e) => `SQRT(${e})` };
  }
}

/** The quoting and literal rules of a dialect; InvalidParameterError for an unknown one. */
export function dialectRules(dialect: string): DialectRules {
  if (!(DIALECTS as readonly string[]).includes(dialect)) throw new InvalidParameterError('dialect', `one of ${DIALECTS.join(', ')}`, dialect, 'sql');
  return rules(dialect as Dialect);
}
