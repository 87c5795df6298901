import { Inject, Injectable } from '@nestjs/common';
import { EVENT_TYPES } from '@hookline/contracts';
import { APP_CONFIG } from '@hookline/observability';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { ATTEMPT_STATUSES } from '../audit.constant.js';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts, gatewayEvents, svixPublications } from '../database/audit.schema.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { isRowError } from './database-error.js';
import type { AttemptRow, GatewayEventRow, HookExecutionRow, PublicationRow } from './record-rows.js';
import { GATEWAY_EVENT_COLUMNS, HOOK_EXECUTION_COLUMNS, PUBLICATION_COLUMNS } from './record-columns.js';
import { bulkInsert, rowsOf } from './unnest-insert.js';
import { RowBatcher } from './row-batcher.js';

/** True when the row was stored now, false when it was already there (a record seen again). */
export type StoreOutcome = boolean;

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Stores what the audit service records, each row once (ON CONFLICT DO NOTHING on its
 * natural key), grouping rows that arrive together into multi-row INSERTs, and counts
 * what was newly stored in the metrics.
 */
@Injectable()
export class RecordStore {
  private readonly events: RowBatcher<GatewayEventRow, StoreOutcome>;
  private readonly hooks: RowBatcher<HookExecutionRow, StoreOutcome>;
  private readonly publications: RowBatcher<PublicationRow, StoreOutcome>;

  constructor(
    private readonly database: AuditDatabase,
    private readonly metrics: AuditMetrics,
    @Inject(APP_CONFIG) config: Pick<AuditConfig, 'AUDIT_WRITE_BATCH_ROWS' | 'AUDIT_WRITE_CONCURRENCY'>,
  ) {
    const maxRows = config.AUDIT_WRITE_BATCH_ROWS;
    const inFlight = config.AUDIT_WRITE_CONCURRENCY;
    this.events = new RowBatcher((rows) => this.insertEvents(rows), maxRows, isRowError, inFlight);
    this.hooks = new RowBatcher((rows) => this.insertHookExecutions(rows), maxRows, isRowError, inFlight);
    this.publications = new RowBatcher((rows) => this.insertPublications(rows), maxRows, isRowError, inFlight);
  }

  storeEvent(row: GatewayEventRow): Promise<StoreOutcome> {
    return this.events.add(row);
  }

  storeHookExecution(row: HookExecutionRow): Promise<StoreOutcome> {
    return this.hooks.add(row);
  }

  storePublication(row: PublicationRow): Promise<StoreOutcome> {
    return this.publications.add(row);
  }

  /** Stores a page of attempts read from Svix; returns how many were new. */
  async storeAttempts(rows: readonly AttemptRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted = await this.guard('delivery_attempts', () =>
      this.database.db.insert(deliveryAttempts).values([...rows]).onConflictDoNothing().returning({
        attemptId: deliveryAttempts.attemptId,
        eventType: deliveryAttempts.eventType,
        status: deliveryAttempts.status,
        responseStatusCode: deliveryAttempts.responseStatusCode,
      }),
    );
    this.metrics.rowsStored.inc({ table: 'delivery_attempts' }, inserted.length);
    for (const row of inserted) {
      this.metrics.deliveryAttempts.inc({
        event_type: row.eventType !== null && KNOWN_EVENT_TYPES.has(row.eventType) ? row.eventType : 'other',
        status: ATTEMPT_STATUSES[row.status] ?? 'other',
        status_class: statusClass(row.responseStatusCode),
      });
    }
    await this.settleAttempts({ attemptIds: inserted.filter((row) => row.status === 0).map((row) => row.attemptId) });
    return inserted.length;
  }

  private async insertEvents(rows: readonly GatewayEventRow[]): Promise<StoreOutcome[]> {
    // The insert and the latency of attempts waiting for this event, in one statement.
    const result = await this.guard('gateway_events', () =>
      this.database.db.execute(sql`
        WITH ins AS (${bulkInsert('gateway_events', GATEWAY_EVENT_COLUMNS, rows)} ON CONFLICT DO NOTHING RETURNING event_id, event_time),
        settled AS (
          UPDATE delivery_attempts a SET latency_seconds = greatest(0, extract(epoch from a.attempted_at - ins.event_time))
          FROM ins WHERE a.event_id = ins.event_id AND a.status = 0 AND a.latency_seconds IS NULL
          RETURNING a.latency_seconds
        )
        SELECT event_id AS key, NULL::float8 AS latency FROM ins
        UNION ALL SELECT NULL, latency_seconds FROM settled`),
    );
    const inserted = this.observe(rowsOf<{ key: string | null; latency: number | null }>(result));
    this.metrics.rowsStored.inc({ table: 'gateway_events' }, inserted.length);
    return newlyStored(rows, (row) => row.eventId, inserted, (row) => row.key);
  }

  private async insertHookExecutions(rows: readonly HookExecutionRow[]): Promise<StoreOutcome[]> {
    const result = await this.guard('hook_executions', () =>
      this.database.db.execute(
        sql`${bulkInsert('hook_executions', HOOK_EXECUTION_COLUMNS, rows)} ON CONFLICT DO NOTHING RETURNING event_id, hook, started_at, outcome, duration_ms`,
      ),
    );
    const inserted = rowsOf<{ event_id: string; hook: string; started_at: string | Date; outcome: string; duration_ms: number }>(result);
    this.metrics.rowsStored.inc({ table: 'hook_executions' }, inserted.length);
    for (const row of inserted) {
      this.metrics.hookExecutions.inc({ hook: row.hook, outcome: row.outcome });
      this.metrics.hookDuration.observe({ hook: row.hook }, Number(row.duration_ms) / 1000);
    }
    const keyOf = (eventId: string, hook: string, startedAt: string | Date): string => `${eventId}\u0000${hook}\u0000${new Date(startedAt).getTime()}`;
    return newlyStored(rows, (row) => keyOf(row.eventId, row.hook, row.startedAt), inserted, (row) => keyOf(row.event_id, row.hook, row.started_at));
  }

  private async insertPublications(rows: readonly PublicationRow[]): Promise<StoreOutcome[]> {
    // The insert, the latency and session id of attempts read before it, in one statement.
    // The two UPDATEs touch disjoint rows (a row may be updated once per statement).
    const result = await this.guard('svix_publications', () =>
      this.database.db.execute(sql`
        WITH ins AS (
          ${bulkInsert('svix_publications', PUBLICATION_COLUMNS, rows)} ON CONFLICT DO NOTHING
          RETURNING event_id, event_type, event_time, svix_message_id, sid
        ),
        settled AS (
          UPDATE delivery_attempts a SET latency_seconds = greatest(0, extract(epoch from a.attempted_at - ins.event_time)), sid = coalesce(a.sid, ins.sid)
          FROM ins WHERE a.message_id = ins.svix_message_id AND a.status = 0 AND a.latency_seconds IS NULL
          RETURNING a.latency_seconds
        ),
        named AS (
          UPDATE delivery_attempts a SET sid = ins.sid
          FROM ins WHERE a.message_id = ins.svix_message_id AND a.sid IS NULL AND NOT (a.status = 0 AND a.latency_seconds IS NULL)
        )
        SELECT event_id AS key, event_type AS label, NULL::float8 AS latency FROM ins
        UNION ALL SELECT NULL, NULL, latency_seconds FROM settled`),
    );
    const inserted = this.observe(rowsOf<{ key: string | null; label: string | null; latency: number | null }>(result));
    this.metrics.rowsStored.inc({ table: 'svix_publications' }, inserted.length);
    for (const row of inserted) this.metrics.publications.inc({ event_type: row.label ?? 'other' });
    return newlyStored(rows, (row) => row.eventId, inserted, (row) => row.key);
  }

  /** Observes the latencies a statement settled; returns its inserted rows (those with a key). */
  private observe<T extends { key: string | null; latency: number | null }>(rows: readonly T[]): (T & { key: string })[] {
    const inserted: (T & { key: string })[] = [];
    for (const row of rows) {
      if (row.key !== null) inserted.push(row as T & { key: string });
      else if (row.latency !== null) this.metrics.deliveryLatency.observe(Number(row.latency));
    }
    return inserted;
  }

  /**
   * Event time -> successful attempt, observed once per attempt: whichever of the attempt,
   * its publication or its gateway event is stored last sets `latency_seconds` (only
   * while it is null, so concurrent writers and instances count it once) and observes it.
   * This is the attempts' side; the publication and event inserts settle in their statement.
   */
  private async settleAttempts(where: { attemptIds: string[] }): Promise<void> {
    const db = this.database.db;
    const pending = and(eq(deliveryAttempts.status, 0), isNull(deliveryAttempts.latencySeconds));
    const observed: number[] = [];
    const byPublication = (filter: SQL) =>
      db
        .update(deliveryAttempts)
        .set({
          latencySeconds: sql`greatest(0, extract(epoch from ${deliveryAttempts.attemptedAt} - ${svixPublications.eventTime}))`,
          sid: sql`coalesce(${deliveryAttempts.sid}, ${svixPublications.sid})`,
        })
        .from(svixPublications)
        .where(and(eq(deliveryAttempts.messageId, svixPublications.svixMessageId), pending, filter))
        .returning({ latency: deliveryAttempts.latencySeconds });
    const byEvent = (filter: SQL) =>
      db
        .update(deliveryAttempts)
        .set({ latencySeconds: sql`greatest(0, extract(epoch from ${deliveryAttempts.attemptedAt} - ${gatewayEvents.eventTime}))` })
        .from(gatewayEvents)
        .where(and(eq(deliveryAttempts.eventId, gatewayEvents.eventId), pending, filter))
        .returning({ latency: deliveryAttempts.latencySeconds });

    if (where.attemptIds.length > 0) {
      observed.push(...(await byPublication(inArray(deliveryAttempts.attemptId, where.attemptIds))).map((row) => row.latency ?? 0));
      observed.push(...(await byEvent(inArray(deliveryAttempts.attemptId, where.attemptIds))).map((row) => row.latency ?? 0));
    }
    for (const seconds of observed) this.metrics.deliveryLatency.observe(seconds);
  }

  private async guard<T>(table: string, statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (error) {
      this.metrics.storeFailures.inc({ table });
      throw error;
    }
  }
}

function newlyStored<R, K>(rows: readonly R[], rowKey: (row: R) => string, inserted: readonly K[], insertedKey: (row: K) => string): StoreOutcome[] {
  const keys = new Set(inserted.map(insertedKey));
  // A row given twice in one batch is stored once: only its first occurrence counts as new.
  return rows.map((row) => keys.delete(rowKey(row)));
}

function statusClass(code: number): string {
  return code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : 'none';
}
