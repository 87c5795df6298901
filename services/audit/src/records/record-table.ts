import { getTableColumns } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';

/**
 * Where a column's value sits in a record or an answer. Columns are named as the record's
 * fields; a nested object's fields are flattened with `_` (stdout.text is stdout_text).
 */
interface ColumnPlace {
  /** The drizzle key of the column in a row. */
  readonly key: string;
  readonly column: PgColumn;
  readonly field: string;
  readonly inner: string | undefined;
}

function placeOf(name: string, shape: z.ZodRawShape): Pick<ColumnPlace, 'field' | 'inner'> | undefined {
  if (name in shape) return { field: name, inner: undefined };
  for (const [field, schema] of Object.entries(shape)) {
    const inner = name.slice(field.length + 1);
    if (schema instanceof z.ZodObject && name.startsWith(`${field}_`) && inner in schema.shape) return { field, inner };
  }
  return undefined;
}

/** The schema's fields, nested ones flattened as their columns are named. */
function flatFields(shape: z.ZodRawShape): string[] {
  return Object.entries(shape).flatMap(([field, schema]) =>
    schema instanceof z.ZodObject ? Object.keys(schema.shape).map((inner) => `${field}_${inner}`) : [field],
  );
}

/** The table's columns that hold a field of the schema; a field without a column is a drift, refused at start. */
function placesOf(table: PgTable, schema: z.ZodObject, what: string): ColumnPlace[] {
  const places: ColumnPlace[] = [];
  for (const [key, column] of Object.entries(getTableColumns(table) as Record<string, PgColumn>)) {
    const place = placeOf(column.name, schema.shape);
    if (place !== undefined) places.push({ key, column, ...place });
  }
  const columns = new Set(places.map((place) => place.column.name));
  const missing = flatFields(schema.shape).filter((name) => !columns.has(name));
  if (missing.length > 0) throw new Error(`${what}: no column for ${missing.join(', ')}`);
  return places;
}

/**
 * A record as a row to insert, derived from the table and the record's schema: each column
 * takes the field it is named after, dates parsed. Every field must have a column and every
 * column a row must fill (no default, not generated) a field, else this throws at start.
 */
export function recordToRow<T extends PgTable, S extends z.ZodObject>(table: T, schema: S): (record: z.output<S>) => T['$inferInsert'] {
  const places = placesOf(table, schema, 'record to row');
  const placed = new Set(places.map((place) => place.column));
  const unfilled = Object.values(getTableColumns(table) as Record<string, PgColumn>).filter(
    (column) => !placed.has(column) && !column.hasDefault && column.generatedIdentity === undefined,
  );
  if (unfilled.length > 0) throw new Error(`record to row: no field for column ${unfilled.map((column) => column.name).join(', ')}`);
  return (record) => {
    const source = record as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (const place of places) {
      const value = place.inner === undefined ? source[place.field] : (source[place.field] as Record<string, unknown>)[place.inner];
      row[place.key] = place.column.dataType === 'date' && typeof value === 'string' ? new Date(value) : value;
    }
    return row;
  };
}

/** How rows of a table are answered as a response schema's objects. */
export interface RowView<S extends z.ZodObject> {
  /** The columns the view reads: select only these. */
  readonly columns: Record<string, PgColumn>;
  readonly view: (row: Record<string, unknown>) => z.output<S>;
}

/**
 * Rows as the answers' schema describes them, derived from the table and the schema: each
 * field from the column named after it, dates as ISO 8601, identity ids as strings (a JSON
 * number loses digits past 2^53). Rows hold what a validated record put there, so the
 * schema's enums hold without a check per answer.
 */
export function rowView<S extends z.ZodObject>(table: PgTable, schema: S): RowView<S> {
  const places = placesOf(table, schema, 'row to answer');
  return {
    columns: Object.fromEntries(places.map((place) => [place.key, place.column])),
    view: (row) => {
      const answer: Record<string, unknown> = {};
      for (const place of places) {
        const raw = row[place.key];
        const value = raw instanceof Date ? raw.toISOString() : place.column.generatedIdentity !== undefined ? String(raw) : raw;
        if (place.inner === undefined) answer[place.field] = value;
        else ((answer[place.field] ??= {}) as Record<string, unknown>)[place.inner] = value;
      }
      return answer as z.output<S>;
    },
  };
}
