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

function rules(name: Dialect): DialectRules {
  const cast = (type: string) => (x: number) => `CAST(${ansiStr(numText(x))} AS ${type})`;
  switch (name) {
    case 'duckdb':
      return { name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS FLOAT)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})` };
    case 'postgres':
      return { name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE PRECISION'), float32: (e) => `CAST(${e} AS REAL)`, float64: (e) => `CAST(${e} AS DOUBLE PRECISION)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})` };
    case 'clickhouse':
      return { name, ident: quoteWith('`'), str: backslashStr, num: (x) => `toFloat64(${backslashStr(numText(x).toLowerCase() === 'infinity' ? 'inf' : numText(x).toLowerCase() === '-infinity' ? '-inf' : numText(x))})`, float32: (e) => `toFloat32(${e})`, float64: (e) => `toFloat64(${e})`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})` };
    case 'spark':
      return { name, ident: quoteWith('`'), str: backslashStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS FLOAT)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})` };
    case 'trino':
      return { name, ident: quoteWith('"'), str: ansiStr, num: cast('DOUBLE'), float32: (e) => `CAST(${e} AS REAL)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `exp(${e})`, sqrt: (e) => `sqrt(${e})` };
    case 'bigquery':
      // BigQuery has no float32: FLOAT64 comparisons of float32-rounded thresholds can differ on values between float32 neighbours
      return { name, ident: quoteWith('`'), str: backslashStr, num: (x) => `CAST(${backslashStr(numText(x).replace('Infinity', 'inf'))} AS FLOAT64)`, float32: (e) => `CAST(${e} AS FLOAT64)`, float64: (e) => `CAST(${e} AS FLOAT64)`, exp: (e) => `EXP(${e})`, sqrt: (e) => `SQRT(${e})` };
    case 'snowflake':
      // Snowflake's FLOAT is a double; no float32 type either
      return { name, ident: quoteWith('"'), str: ansiStr, num: (x) => `CAST(${ansiStr(numText(x).replace('Infinity', 'inf'))} AS DOUBLE)`, float32: (e) => `CAST(${e} AS DOUBLE)`, float64: (e) => `CAST(${e} AS DOUBLE)`, exp: (e) => `EXP(${e})`, sqrt: (e) => `SQRT(${e})` };
  }
}

/** The quoting and literal rules of a dialect; InvalidParameterError for an unknown one. */
export function dialectRules(dialect: string): DialectRules {
  if (!(DIALECTS as readonly string[]).includes(dialect)) throw new InvalidParameterError('dialect', `one of ${DIALECTS.join(', ')}`, dialect, 'sql');
  return rules(dialect as Dialect);
}
