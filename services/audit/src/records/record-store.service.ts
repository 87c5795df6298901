import { Inject, Injectable } from '@nestjs/common';
import { ATTEMPT_STATUSES, EVENT_TYPES } from '@hookline/contracts';
import { APP_CONFIG } from '@hookline/observability';
import { sql, type SQL } from 'drizzle-orm';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts, gatewayEvents, hookExecutions, svixPublications } from '../database/audit.schema.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { isRowError } from './database-error.js';
import type { AttemptRow, GatewayEventRow, HookExecutionRow, PublicationRow } from './record-rows.js';
import { bulkInsert, rowsOf } from './unnest-insert.js';
import { RowBatcher } from './row-batcher.js';

/** True when the row was stored now, false when it was already there (a record seen again). */
export type StoreOutcome = boolean;

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** A successful attempt whose latency is not set yet (delivery_attempts aliased `a`). */
const PENDING = sql`a.status = 0 AND a.latency_seconds IS NULL`;

/** `column = ANY(values)`, on the attempts' side (attempt_id, message_id, event_id are indexed there). */
function anyOf(column: 'a.attempt_id' | 'a.message_id' | 'a.event_id', values: readonly string[]): SQL {
  return sql`${sql.raw(column)} = ANY(${sql.param([...new Set(values)])}::text[])`;
}

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
    // Only the drizzle handle is used: a spec may hand in a bare one.
    @Inject(AuditDatabase) private readonly database: Pick<AuditDatabase, 'db'>,
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
      this.database.db
        .insert(deliveryAttempts)
        .values([...rows])
        .onConflictDoNothing()
        .returning({
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
    const byAttempt = anyOf(
      'a.attempt_id',
      rows.map((row) => row.attemptId),
    );
    await this.settleByPublication(byAttempt);
    await this.settleByEvent(byAttempt);
    return inserted.length;
  }

  private async insertEvents(rows: readonly GatewayEventRow[]): Promise<StoreOutcome[]> {
    const result = await this.guard('gateway_events', () =>
      this.database.db.execute(sql`${bulkInsert(gatewayEvents, rows)} ON CONFLICT DO NOTHING RETURNING event_id AS key`),
    );
    const inserted = rowsOf<{ key: string }>(result);
    this.metrics.rowsStored.inc({ table: 'gateway_events' }, inserted.length);
    await this.settleByEvent(
      anyOf(
        'a.event_id',
        rows.map((row) => row.eventId),
      ),
    );
    return newlyStored(
      rows,
      (row) => row.eventId,
      inserted,
      (row) => row.key,
    );
  }

  private async insertHookExecutions(rows: readonly HookExecutionRow[]): Promise<StoreOutcome[]> {
    const result = await this.guard('hook_executions', () =>
      this.database.db.execute(sql`${bulkInsert(hookExecutions, rows)} ON CONFLICT DO NOTHING RETURNING event_id, hook, started_at, outcome, duration_ms`),
    );
    const inserted = rowsOf<{ event_id: string; hook: string; started_at: string | Date; outcome: string; duration_ms: number }>(result);
    this.metrics.rowsStored.inc({ table: 'hook_executions' }, inserted.length);
    for (const row of inserted) {
      this.metrics.hookExecutions.inc({ hook: row.hook, outcome: row.outcome });
      this.metrics.hookDuration.observe({ hook: row.hook }, row.duration_ms / 1000);
    }
    const keyOf = (eventId: string, hook: string, startedAt: string | Date): string => `${eventId}\u0000${hook}\u0000${new Date(startedAt).getTime()}`;
    return newlyStored(
      rows,
      (row) => keyOf(row.eventId, row.hook, row.startedAt),
      inserted,
      (row) => keyOf(row.event_id, row.hook, row.started_at),
    );
  }

  private async insertPublications(rows: readonly PublicationRow[]): Promise<StoreOutcome[]> {
    const result = await this.guard('svix_publications', () =>
      this.database.db.execute(sql`${bulkInsert(svixPublications, rows)} ON CONFLICT DO NOTHING RETURNING event_id AS key, event_type AS label`),
    );
    const inserted = rowsOf<{ key: string; label: string | null }>(result);
    this.metrics.rowsStored.inc({ table: 'svix_publications' }, inserted.length);
    for (const row of inserted) this.metrics.publications.inc({ event_type: row.label ?? 'other' });
    await this.settleByPublication(
      anyOf(
        'a.message_id',
        rows.map((row) => row.svixMessageId),
      ),
    );
    return newlyStored(
      rows,
      (row) => row.eventId,
      inserted,
      (row) => row.key,
    );
  }

  /**
   * Event time -> successful attempt, observed once per attempt. An attempt's latency needs
   * its publication or its gateway event, which arrive in any order and, on PostgreSQL,
   * concurrently. So each writer settles in a statement of its own, run after its insert
   * has committed: of two writers racing, the one that settles last sees both rows (a
   * single statement that inserted and settled would not see a row committed while it ran,
   * and both writers could miss each other). `latency_seconds` is set only while it is
   * null, and PostgreSQL re-checks that on a row another statement updated meanwhile, so
   * an attempt is observed once however many writers and instances settle it.
   *
   * Each writer settles by the keys of every row it was handed, new or not: a record re-consumed after a
   * failed settle (its insert already committed) settles then. The publication side also
   * names the session, event id and event type of attempts read before it (the attempt reader
   * asks Svix without message payloads), whatever their status.
   *
   * This one: attempts (picked by `filter`) whose publication is stored.
   */
  private async settleByPublication(filter: SQL): Promise<void> {
    const result = await this.guard('delivery_attempts', () =>
      this.database.db.execute(sql`
        WITH settled AS (
          UPDATE delivery_attempts a SET latency_seconds = greatest(0, extract(epoch from a.attempted_at - p.event_time)), sid = coalesce(a.sid, p.sid),
            event_id = coalesce(a.event_id, p.event_id), event_type = coalesce(a.event_type, p.event_type)
          FROM svix_publications p WHERE a.message_id = p.svix_message_id AND ${PENDING} AND ${filter}
          RETURNING a.latency_seconds
        ),
        named AS (
          UPDATE delivery_attempts a SET sid = coalesce(a.sid, p.sid), event_id = coalesce(a.event_id, p.event_id), event_type = coalesce(a.event_type, p.event_type)
          FROM svix_publications p WHERE a.message_id = p.svix_message_id AND (a.sid IS NULL OR a.event_id IS NULL OR a.event_type IS NULL) AND NOT (${PENDING}) AND ${filter}
        )
        SELECT latency_seconds AS latency FROM settled`),
    );
    this.observeLatencies(result);
  }

  /** Sets the latency of pending attempts whose gateway event is stored; `filter` picks the attempts. */
  private async settleByEvent(filter: SQL): Promise<void> {
    const result = await this.guard('delivery_attempts', () =>
      this.database.db.execute(sql`
        UPDATE delivery_attempts a SET latency_seconds = greatest(0, extract(epoch from a.attempted_at - e.event_time))
        FROM gateway_events e WHERE a.event_id = e.event_id AND ${PENDING} AND ${filter}
        RETURNING a.latency_seconds AS latency`),
    );
    this.observeLatencies(result);
  }

  private observeLatencies(result: unknown): void {
    for (const row of rowsOf<{ latency: number | null }>(result)) this.metrics.deliveryLatency.observe(row.latency ?? 0);
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
