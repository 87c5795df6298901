import { sql, type SQL } from 'drizzle-orm';
import { pgText } from './pg-text.js';

/** PostgreSQL types the audit tables use, as array element types for unnest(). */
export type ColumnType = 'text' | 'int4' | 'float8' | 'bool' | 'timestamptz';

/** One column of a bulk insert: its name, its type and how a row gives its value. */
export interface BulkColumn<R> {
  readonly name: string;
  readonly type: ColumnType;
  readonly value: (row: R) => string | number | boolean | Date | null | undefined;
}

function toParam(value: string | number | boolean | Date | null | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? pgText(value) : value;
}

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], ...)`: one array parameter
 * per column whatever the number of rows, so a 500-row batch is 10-25 parameters that the
 * driver sends as they are, instead of thousands of placeholders built one by one.
 */
export function bulkInsert<R>(table: string, columns: readonly BulkColumn<R>[], rows: readonly R[]): SQL {
  const names = sql.raw(columns.map((column) => `"${column.name}"`).join(', '));
  const arrays = sql.join(
    columns.map((column) => sql`${sql.param(rows.map((row) => toParam(column.value(row))))}::${sql.raw(column.type)}[]`),
    sql`, `,
  );
  return sql`INSERT INTO ${sql.identifier(table)} (${names}) SELECT * FROM unnest(${arrays})`;
}

/** Rows of a raw `db.execute`, whichever driver answered (both give `rows`). */
export function rowsOf<T>(result: unknown): T[] {
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
