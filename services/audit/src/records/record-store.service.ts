import { Inject, Injectable } from '@nestjs/common';
import { EVENT_TYPES } from '@hookline/contracts';
import { APP_CONFIG } from '@hookline/observability';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { ATTEMPT_STATUSES } from '../audit.constant.js';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts, gatewayEvents, hookExecutions, svixPublications } from '../database/audit.schema.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { isRowError } from './database-error.js';
import type { AttemptRow, GatewayEventRow, HookExecutionRow, PublicationRow } from './record-rows.js';
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
    @Inject(APP_CONFIG) config: Pick<AuditConfig, 'AUDIT_WRITE_BATCH_ROWS'>,
  ) {
    const maxRows = config.AUDIT_WRITE_BATCH_ROWS;
    this.events = new RowBatcher((rows) => this.insertEvents(rows), maxRows, isRowError);
    this.hooks = new RowBatcher((rows) => this.insertHookExecutions(rows), maxRows, isRowError);
    this.publications = new RowBatcher((rows) => this.insertPublications(rows), maxRows, isRowError);
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
    const inserted = await this.guard('gateway_events', () =>
      this.database.db.insert(gatewayEvents).values([...rows]).onConflictDoNothing().returning({ eventId: gatewayEvents.eventId }),
    );
    this.metrics.rowsStored.inc({ table: 'gateway_events' }, inserted.length);
    await this.settleAttempts({ gatewayEventIds: inserted.map((row) => row.eventId) });
    return newlyStored(rows, inserted, (row) => row.eventId);
  }

  private async insertHookExecutions(rows: readonly HookExecutionRow[]): Promise<StoreOutcome[]> {
    const inserted = await this.guard('hook_executions', () =>
      this.database.db
        .insert(hookExecutions)
        .values([...rows])
        .onConflictDoNothing()
        .returning({ eventId: hookExecutions.eventId, hook: hookExecutions.hook, startedAt: hookExecutions.startedAt, outcome: hookExecutions.outcome, durationMs: hookExecutions.durationMs }),
    );
    this.metrics.rowsStored.inc({ table: 'hook_executions' }, inserted.length);
    for (const row of inserted) {
      this.metrics.hookExecutions.inc({ hook: row.hook, outcome: row.outcome });
      this.metrics.hookDuration.observe({ hook: row.hook }, row.durationMs / 1000);
    }
    return newlyStored(rows, inserted, (row) => `${row.eventId}\u0000${row.hook}\u0000${new Date(row.startedAt).getTime()}`);
  }

  private async insertPublications(rows: readonly PublicationRow[]): Promise<StoreOutcome[]> {
    const inserted = await this.guard('svix_publications', () =>
      this.database.db
        .insert(svixPublications)
        .values([...rows])
        .onConflictDoNothing()
        .returning({ eventId: svixPublications.eventId, eventType: svixPublications.eventType }),
    );
    this.metrics.rowsStored.inc({ table: 'svix_publications' }, inserted.length);
    for (const row of inserted) this.metrics.publications.inc({ event_type: row.eventType });
    await this.settleAttempts({ publishedEventIds: inserted.map((row) => row.eventId) });
    return newlyStored(rows, inserted, (row) => row.eventId);
  }

  /**
   * Event time -> successful attempt, observed once per attempt: whichever of the attempt,
   * its publication or its gateway event is stored last sets `latency_seconds` (only
   * while it is null, so concurrent writers and instances count it once) and observes it.
   * The publication also gives attempts read before it their session id.
   */
  private async settleAttempts(where: { attemptIds?: string[]; publishedEventIds?: string[]; gatewayEventIds?: string[] }): Promise<void> {
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

    if (where.attemptIds !== undefined && where.attemptIds.length > 0) {
      observed.push(...(await byPublication(inArray(deliveryAttempts.attemptId, where.attemptIds))).map((row) => row.latency ?? 0));
      observed.push(...(await byEvent(inArray(deliveryAttempts.attemptId, where.attemptIds))).map((row) => row.latency ?? 0));
    }
    if (where.publishedEventIds !== undefined && where.publishedEventIds.length > 0) {
      observed.push(...(await byPublication(inArray(svixPublications.eventId, where.publishedEventIds))).map((row) => row.latency ?? 0));
      // Attempts of these messages that already had a latency still lack their sid.
      await db
        .update(deliveryAttempts)
        .set({ sid: svixPublications.sid })
        .from(svixPublications)
        .where(and(eq(deliveryAttempts.messageId, svixPublications.svixMessageId), isNull(deliveryAttempts.sid), inArray(svixPublications.eventId, where.publishedEventIds)));
    }
    if (where.gatewayEventIds !== undefined && where.gatewayEventIds.length > 0) {
      observed.push(...(await byEvent(inArray(gatewayEvents.eventId, where.gatewayEventIds))).map((row) => row.latency ?? 0));
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

function newlyStored<R, K>(rows: readonly R[], inserted: readonly K[], keyOf: (row: R | K) => string): StoreOutcome[] {
  const keys = new Set(inserted.map((row) => keyOf(row)));
  // A row given twice in one batch is stored once: only its first occurrence counts as new.
  return rows.map((row) => keys.delete(keyOf(row)));
}

function statusClass(code: number): string {
  return code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : 'none';
}
