import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { sql } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { PeriodicLoop } from '../periodic-loop.js';
import { RETENTION_TABLES } from './retention.constant.js';

/**
 * Deletes rows older than AUDIT_RETENTION_DAYS, table by table, AUDIT_RETENTION_BATCH_SIZE
 * rows per statement: short statements hold locks briefly and never compete with the
 * consumers for long. Runs at start and every AUDIT_RETENTION_INTERVAL_SECONDS.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop = new PeriodicLoop();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AuditConfig, 'AUDIT_RETENTION_DAYS' | 'AUDIT_RETENTION_BATCH_SIZE' | 'AUDIT_RETENTION_INTERVAL_SECONDS'>,
    private readonly database: AuditDatabase,
    private readonly metrics: AuditMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RetentionService.name);
  }

  onApplicationBootstrap(): void {
    if (this.config.AUDIT_RETENTION_DAYS === 0) {
      this.logger.info('AUDIT_RETENTION_DAYS is 0: every row is kept');
      return;
    }
    this.loop.start(this.config.AUDIT_RETENTION_INTERVAL_SECONDS * 1000, () => this.round());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Deletes everything older than the retention, in batches; returns rows deleted per table. */
  async purge(now: Date = new Date()): Promise<Record<string, number>> {
    const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    const deleted: Record<string, number> = {};
    for (const { table, column } of RETENTION_TABLES) {
      deleted[table] = 0;
      for (;;) {
        if (this.loop.signal.aborted) return deleted;
        // ctid batches: PostgreSQL's DELETE has no LIMIT of its own.
        const result = await this.database.db.execute(
          sql`DELETE FROM ${sql.identifier(table)} WHERE ctid IN (SELECT ctid FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} < ${cutoff.toISOString()} LIMIT ${this.config.AUDIT_RETENTION_BATCH_SIZE})`,
        );
        const count = rowCount(result);
        deleted[table] += count;
        this.metrics.retentionDeleted.inc({ table }, count);
        if (count < this.config.AUDIT_RETENTION_BATCH_SIZE) break;
      }
    }
    return deleted;
  }

  private async round(): Promise<void> {
    try {
      const deleted = await this.purge();
      if (Object.values(deleted).some((count) => count > 0)) this.logger.info({ deleted, retentionDays: this.config.AUDIT_RETENTION_DAYS }, 'old rows deleted');
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'retention run failed; trying again next interval');
    }
  }
}

/** Rows a node-postgres statement affected. */
function rowCount(result: unknown): number {
  const { rowCount: count } = (result ?? {}) as { rowCount?: unknown };
  return typeof count === 'number' ? count : 0;
}
