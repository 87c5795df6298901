// Rows, bulk-insert columns and answers derived from the drizzle tables and the contract
// schemas: a record survives the trip to a row and back, and a drift between the two is
// refused when the service starts instead of losing a field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hookExecutionRecordSchema,
  hookExecutionSummarySchema,
  hookExecutionViewSchema,
  publicationViewSchema,
  svixPublicationRecordSchema,
} from '@hookline/contracts';
import { exampleHookExecution, examplePublication } from '@hookline/contracts/testing';
import { PgDialect, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { hookExecutions, svixPublications } from '../database/audit.schema.js';
import { hookExecutionRow, publicationRow } from './record-rows.js';
import { recordToRow, rowView } from './record-table.js';
import { bulkInsert } from './unnest-insert.js';

const run = exampleHookExecution({ started_at: '2026-11-23T10:00:01.250Z', stderr: { text: 'oops', truncated: true, bytes: 9_000 }, payload_truncated: true });
const publication = examplePublication({ event_type: 'session.open', key: 'sid-2', sid: 'sid-2', connection_name: 'pg-prod', already_published: true });

/** A row as PostgreSQL gives it back: the identity and stored_at filled in. */
function stored(row: object, id?: number): Record<string, unknown> {
  return { ...row, ...(id === undefined ? {} : { id }), storedAt: new Date() };
}

void describe('rows and answers derived from the tables and contracts', () => {
  void it('a hook run comes back from its row as it was recorded, with its id', () => {
    const row = hookExecutionRow(run);
    assert.ok(row.startedAt instanceof Date && row.eventTime instanceof Date, 'timestamps become dates');
    assert.equal(row.stderrBytes, 9_000);
    assert.deepEqual(rowView(hookExecutions, hookExecutionViewSchema).view(stored(row, 42)), { id: '42', ...run });
  });

  void it('a summary leaves the output text out, and does not even select it', () => {
    const summary = rowView(hookExecutions, hookExecutionSummarySchema);
    assert.ok(!('stdoutText' in summary.columns) && !('stderrText' in summary.columns) && !('storedAt' in summary.columns));
    const answer = summary.view(stored(hookExecutionRow(run), 7));
    assert.deepEqual(answer.stdout, { truncated: false, bytes: 3 });
    assert.deepEqual(answer.stderr, { truncated: true, bytes: 9_000 });
    assert.equal(answer.id, '7');
    assert.ok(hookExecutionSummarySchema.safeParse(answer).success, 'the answer is what the OpenAPI says');
  });

  void it('a publication comes back without its key (the timeline does not repeat it)', () => {
    const { key: _key, ...rest } = publication;
    assert.deepEqual(rowView(svixPublications, publicationViewSchema).view(stored(publicationRow(publication))), rest);
  });

  void it('the bulk insert names every column a record fills, with its SQL type, and no others', () => {
    const query = new PgDialect().sqlToQuery(bulkInsert(hookExecutions, [hookExecutionRow(run), hookExecutionRow({ ...run, event_id: 'evt-3' })]));
    const names = /\(([^)]*)\) SELECT/
      .exec(query.sql)?.[1]
      ?.split(', ')
      .map((name) => name.replaceAll('"', ''));
    const fields = Object.entries(hookExecutionRecordSchema.shape).flatMap(([field, schema]) =>
      schema instanceof z.ZodObject ? Object.keys(schema.shape).map((inner) => `${field}_${inner}`) : [field],
    );
    assert.deepEqual(new Set(names), new Set(fields));
    assert.match(query.sql, /::timestamp with time zone\[\]/);
    assert.match(query.sql, /::double precision\[\]/);
    assert.equal(query.params.length, fields.length, 'one array per column');
    assert.deepEqual(query.params[fields.indexOf('event_id')], ['evt-1', 'evt-3']);
    assert.deepEqual(query.params[fields.indexOf('started_at')], [run.started_at, run.started_at]);
    const publications = new PgDialect().sqlToQuery(bulkInsert(svixPublications, [publicationRow(publication)]));
    assert.equal(publications.params.length, Object.keys(svixPublicationRecordSchema.shape).length);
  });

  void it('NUL in a hook output is stored as U+FFFD (PostgreSQL text cannot hold it)', () => {
    const query = new PgDialect().sqlToQuery(
      bulkInsert(hookExecutions, [hookExecutionRow({ ...run, stdout: { text: 'a\u0000b', truncated: false, bytes: 3 } })]),
    );
    assert.ok(query.params.some((param) => Array.isArray(param) && param[0] === 'a\uFFFDb'));
  });

  void it('a field without a column, or a column no field fills, is refused at start', () => {
    const table = pgTable('t', { eventId: text('event_id').notNull(), count: integer('count').notNull() });
    assert.throws(() => recordToRow(table, z.object({ event_id: z.string(), count: z.int(), extra: z.string() })), /no column for extra/);
    assert.throws(() => recordToRow(table, z.object({ event_id: z.string() })), /no field for column count/);
    assert.throws(() => recordToRow(table, z.object({ event_id: z.string(), count: z.int(), out: z.object({ text: z.string() }) })), /no column for out_text/);
    assert.throws(() => rowView(table, z.object({ id: z.string(), event_id: z.string() })), /no column for id/);
  });
});
