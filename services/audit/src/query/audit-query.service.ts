import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import {
  ATTEMPT_STATUSES,
  ATTEMPT_TRIGGERS,
  hookExecutionSummarySchema,
  hookExecutionViewSchema,
  publicationViewSchema,
  type AttemptView,
  type EndpointSummary,
  type EndpointsSummary,
  type HookExecutionSummary,
  type HookExecutionView,
  type Timeline,
  type TimelineEntry,
  type TimelineKind,
} from '@hookline/contracts';
import { QUERY_MAX_ANSWER_BYTES, SUMMARY_DEFAULT_WINDOW_MS, TIMELINE_MAX_ENTRIES } from '../audit.constant.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts, endpointStates, gatewayEvents, hookExecutions, svixPublications } from '../database/audit.schema.js';
import { rowView } from '../records/record-table.js';
import { endpointLastOutcomes } from './endpoint-last-outcomes.js';
import { encodePageCursor, type PageCursor } from './page-cursor.js';
import type { AttemptsQuery, EndpointsSummaryQuery, HookExecutionsQuery } from './query-params.schema.js';

export interface Page<T> {
  readonly data: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next_cursor: string | null;
}

// Entries at the same instant keep the pipeline's order: event, hook, publication, attempt.
const KIND_ORDER: Record<TimelineKind, number> = { event: 0, hook_execution: 1, publication: 2, attempt: 3 };

function statusName(status: number): string {
  return ATTEMPT_STATUSES[status] ?? String(status);
}

/** Newest first, keyset-paginated on (time, id); `idOf` turns the cursor's id into the id column's type. */
function before(timeColumn: PgColumn, idColumn: PgColumn, cursor: PageCursor | undefined, idOf: (id: string) => unknown = (id) => id): SQL | undefined {
  if (cursor === undefined) return undefined;
  return or(lt(timeColumn, cursor.time), and(eq(timeColumn, cursor.time), lt(idColumn, idOf(cursor.id))));
}

interface ListQuery {
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  readonly cursor?: PageCursor | undefined;
}

/** A list's filter and order: the equalities the query gave a value for, its time window, the page after its cursor; newest first. */
function newestFirst(
  timeColumn: PgColumn,
  idColumn: PgColumn,
  query: ListQuery,
  equalities: readonly (readonly [PgColumn, unknown])[],
  idOf?: (id: string) => unknown,
): { where: SQL | undefined; orderBy: SQL[] } {
  return {
    where: and(
      ...equalities.map(([column, value]) => (value === undefined ? undefined : eq(column, value))),
      ...windowOf(timeColumn, query.since, query.until),
      before(timeColumn, idColumn, query.cursor, idOf),
    ),
    orderBy: [desc(timeColumn), desc(idColumn)],
  };
}

function windowOf(column: PgColumn, since: Date | undefined, until: Date | undefined): SQL[] {
  return [...(since === undefined ? [] : [gte(column, since)]), ...(until === undefined ? [] : [lte(column, until)])];
}

// Lists and timelines read a run without its output text (the summary schema has none): a
// page of 500 runs with 64 KiB of output each was 393 MB of JSON. One run's output comes
// from hookExecution(id).
const hookSummary = rowView(hookExecutions, hookExecutionSummarySchema);
const hookRun = rowView(hookExecutions, hookExecutionViewSchema);
const publication = rowView(svixPublications, publicationViewSchema);

/** How many of the items (in order) fit in `maxBytes` of JSON; at least one, so a page always moves on. */
export function countFitting(items: readonly unknown[], maxBytes: number): number {
  let bytes = 0;
  for (let i = 0; i < items.length; i += 1) {
    // +1: the comma between items.
    bytes += Buffer.byteLength(JSON.stringify(items[i])) + 1;
    if (bytes > maxBytes) return Math.max(1, i);
  }
  return items.length;
}

/** The read side: attempts, hook runs, a session's timeline, endpoint summaries. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly database: AuditDatabase) {}

  async attempts(query: AttemptsQuery): Promise<Page<AttemptView>> {
    const { where, orderBy } = newestFirst(deliveryAttempts.attemptedAt, deliveryAttempts.attemptId, query, [
      [deliveryAttempts.endpointId, query.endpoint],
      [deliveryAttempts.status, query.status],
      [deliveryAttempts.eventType, query.event_type],
    ]);
    const rows = await this.database.db
      .select()
      .from(deliveryAttempts)
      .where(where)
      .orderBy(...orderBy)
      .limit(query.limit + 1);
    return page(rows, query.limit, attemptView, (attempt) => ({ time: new Date(attempt.time), id: attempt.attempt_id }));
  }

  async hookExecutions(query: HookExecutionsQuery): Promise<Page<HookExecutionSummary>> {
    const { where, orderBy } = newestFirst(
      hookExecutions.startedAt,
      hookExecutions.id,
      query,
      [
        [hookExecutions.hook, query.hook],
        [hookExecutions.outcome, query.outcome],
        [hookExecutions.sid, query.sid],
      ],
      Number,
    );
    const rows = await this.database.db
      .select(hookSummary.columns)
      .from(hookExecutions)
      .where(where)
      .orderBy(...orderBy)
      .limit(query.limit + 1);
    return page(rows, query.limit, hookSummary.view, (run) => ({ time: new Date(run.started_at), id: run.id }));
  }

  /** One run with its captured output; undefined when there is no such run. */
  async hookExecution(id: string): Promise<HookExecutionView | undefined> {
    const [row] = await this.database.db
      .select(hookRun.columns)
      .from(hookExecutions)
      .where(eq(hookExecutions.id, Number(id)))
      .limit(1);
    return row === undefined ? undefined : hookRun.view(row);
  }

  /** Every event of the session, every hook run, publication and delivery attempt, in time order. */
  async timeline(sid: string): Promise<Timeline> {
    const db = this.database.db;
    const cap = TIMELINE_MAX_ENTRIES + 1;
    const [events, hooks, publications] = await Promise.all([
      db.select().from(gatewayEvents).where(eq(gatewayEvents.sid, sid)).orderBy(asc(gatewayEvents.eventTime)).limit(cap),
      db.select(hookSummary.columns).from(hookExecutions).where(eq(hookExecutions.sid, sid)).orderBy(asc(hookExecutions.startedAt)).limit(cap),
      db.select().from(svixPublications).where(eq(svixPublications.sid, sid)).orderBy(asc(svixPublications.publishedAt)).limit(cap),
    ]);
    // Attempts found by sid, or (when read before their publication) by message or event id.
    const messageIds = publications.map((row) => row.svixMessageId);
    const eventIds = [...new Set([...events.map((row) => row.eventId), ...publications.map((row) => row.eventId)])];
    const attempts = await db
      .select()
      .from(deliveryAttempts)
      .where(
        or(
          eq(deliveryAttempts.sid, sid),
          messageIds.length === 0 ? undefined : inArray(deliveryAttempts.messageId, messageIds),
          eventIds.length === 0 ? undefined : inArray(deliveryAttempts.eventId, eventIds),
        ),
      )
      .orderBy(asc(deliveryAttempts.attemptedAt))
      .limit(cap);

    const entries: (TimelineEntry & { at: number })[] = [
      ...events.map((row) => ({
        at: row.eventTime.getTime(),
        time: row.eventTime.toISOString(),
        kind: 'event' as const,
        event_id: row.eventId,
        event_type: row.eventType,
        detail: { org_id: row.orgId, connection_name: row.connectionName, topic: row.topic, partition: row.partition, offset: row.offset },
      })),
      ...hooks.map(hookSummary.view).map((run) => ({
        at: Date.parse(run.started_at),
        time: run.started_at,
        kind: 'hook_execution' as const,
        event_id: run.event_id,
        event_type: run.event_type,
        detail: run,
      })),
      ...publications.map((row) => ({
        at: row.publishedAt.getTime(),
        time: row.publishedAt.toISOString(),
        kind: 'publication' as const,
        event_id: row.eventId,
        event_type: row.eventType,
        detail: publication.view(row),
      })),
      ...attempts.map((row) => ({
        at: row.attemptedAt.getTime(),
        time: row.attemptedAt.toISOString(),
        kind: 'attempt' as const,
        event_id: row.eventId,
        event_type: row.eventType,
        detail: attemptView(row),
      })),
    ];
    entries.sort((a, b) => a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
    const shown = entries.slice(0, TIMELINE_MAX_ENTRIES).map(({ at: _at, ...entry }) => entry);
    const fitting = countFitting(shown, QUERY_MAX_ANSWER_BYTES);
    return { sid, entries: shown.slice(0, fitting), truncated: entries.length > fitting };
  }

  /** Per endpoint: attempts by status over the window, the last success and failure, disabled or not. */
  async endpointsSummary(query: EndpointsSummaryQuery): Promise<EndpointsSummary> {
    const until = query.until ?? new Date();
    const since = query.since ?? new Date(until.getTime() - SUMMARY_DEFAULT_WINDOW_MS);
    const db = this.database.db;
    const counts = await db
      .select({ endpointId: deliveryAttempts.endpointId, appId: deliveryAttempts.appId, status: deliveryAttempts.status, count: sql<number>`count(*)::int` })
      .from(deliveryAttempts)
      .where(and(gte(deliveryAttempts.attemptedAt, since), lte(deliveryAttempts.attemptedAt, until)))
      .groupBy(deliveryAttempts.endpointId, deliveryAttempts.appId, deliveryAttempts.status);
    const lasts = await endpointLastOutcomes(db, lte(deliveryAttempts.attemptedAt, until));
    const states = await db.select().from(endpointStates);

    const summaries = new Map<string, EndpointSummary>();
    const summaryOf = (endpointId: string, appId: string | null): EndpointSummary => {
      let summary = summaries.get(endpointId);
      if (summary === undefined) {
        summary = {
          endpoint_id: endpointId,
          app_id: appId,
          attempts: Object.fromEntries(ATTEMPT_STATUSES.map((name) => [name, 0])),
          last_success_at: null,
          last_failure_at: null,
          disabled: false,
          failing_since: null,
        };
        summaries.set(endpointId, summary);
      }
      return summary;
    };
    for (const row of counts) {
      const summary = summaryOf(row.endpointId, row.appId);
      summary.attempts[statusName(row.status)] = row.count;
    }
    for (const row of lasts) {
      if (!summaries.has(row.endpointId)) continue;
      const summary = summaryOf(row.endpointId, null);
      summary.last_success_at = row.lastSuccess === null ? null : new Date(row.lastSuccess).toISOString();
      summary.last_failure_at = row.lastFailure === null ? null : new Date(row.lastFailure).toISOString();
    }
    for (const state of states) {
      const summary = summaryOf(state.endpointId, state.appId);
      summary.disabled = state.disabled;
      summary.failing_since = state.failingSince?.toISOString() ?? null;
    }
    const endpoints = [...summaries.values()].sort((a, b) => a.endpoint_id.localeCompare(b.endpoint_id));
    return { since: since.toISOString(), until: until.toISOString(), endpoints };
  }
}

/** A page of at most `limit` rows and QUERY_MAX_ANSWER_BYTES of JSON; the next page starts after its last row. */
function page<R, V>(rows: R[], limit: number, view: (row: R) => V, cursorOf: (item: V) => PageCursor): Page<V> {
  const views = rows.slice(0, limit).map(view);
  const fitting = countFitting(views, QUERY_MAX_ANSWER_BYTES);
  const more = rows.length > fitting;
  const last = views[fitting - 1];
  return { data: views.slice(0, fitting), next_cursor: more && last !== undefined ? encodePageCursor(cursorOf(last)) : null };
}

export function attemptView(row: typeof deliveryAttempts.$inferSelect): AttemptView {
  return {
    attempt_id: row.attemptId,
    message_id: row.messageId,
    endpoint_id: row.endpointId,
    app_id: row.appId,
    event_type: row.eventType,
    event_id: row.eventId,
    sid: row.sid,
    // A status or trigger number Svix adds later is answered as its digits.
    status: statusName(row.status) as AttemptView['status'],
    response_status_code: row.responseStatusCode,
    trigger: (ATTEMPT_TRIGGERS[row.triggerType] ?? String(row.triggerType)) as AttemptView['trigger'],
    time: row.attemptedAt.toISOString(),
    response_duration_ms: row.responseDurationMs,
  };
}
