import { getTableColumns, getTableName, sql, type Column, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { pgText } from './pg-text.js';

type ParamValue = string | number | boolean | null;

/** One column of a bulk insert: its SQL name and type, and the row key holding its value. */
interface BulkColumn {
  readonly key: string;
  readonly name: string;
  readonly type: string;
}

const COLUMNS = new WeakMap<PgTable, readonly BulkColumn[]>();

/** The columns a row fills, from the drizzle table: all but those PostgreSQL fills itself (identity, defaults). */
function bulkColumns(table: PgTable): readonly BulkColumn[] {
  let columns = COLUMNS.get(table);
  if (columns === undefined) {
    columns = Object.entries(getTableColumns(table) as Record<string, Column>)
      .filter(([, column]) => !column.hasDefault && column.generatedIdentity === undefined)
      .map(([key, column]) => ({ key, name: column.name, type: column.getSQLType() }));
    COLUMNS.set(table, columns);
  }
  return columns;
}

function toParam(value: unknown): ParamValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? pgText(value) : (value as ParamValue);
}

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], ...)`: one array parameter
 * per column whatever the number of rows, so a 500-row batch is 10-25 parameters that the
 * driver sends as they are, instead of thousands of placeholders built one by one.
 */
export function bulkInsert<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][]): SQL {
  const columns = bulkColumns(table);
  const names = sql.raw(columns.map((column) => `"${column.name}"`).join(', '));
  const arrays = sql.join(
    columns.map((column) => sql`${sql.param(rows.map((row) => toParam((row as Record<string, unknown>)[column.key])))}::${sql.raw(column.type)}[]`),
    sql`, `,
  );
  return sql`INSERT INTO ${sql.identifier(getTableName(table))} (${names}) SELECT * FROM unnest(${arrays})`;
}

/** Rows of a raw `db.execute`, whichever driver answered (both give `rows`). */
export function rowsOf<T>(result: unknown): T[] {
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
