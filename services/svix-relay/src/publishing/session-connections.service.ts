import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DatabaseHandle } from '@hookline/database';
import { APP_CONFIG } from '@hookline/observability';
import { eq, lt, sql } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import type { RelayConfig } from '../config/relay.settings.js';
import { DATABASE } from '../database/database.constant.js';
import { sessionConnections } from './session-connection.table.js';

/** Sessions whose connection this instance keeps at hand; the database stays the truth. */
const CACHE_MAX_SESSIONS = 10_000;
/** How often rows older than SESSION_RETENTION_HOURS are deleted. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Which connection each session is on, learnt from session.open (see the table's comment).
 * A session's events share a key, so they usually reach the instance that saw its open:
 * a small in-memory cache spares that instance the read; any other instance reads the row.
 */
@Injectable()
export class SessionConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly cache = new Map<string, { orgId: string; connectionName: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(APP_CONFIG) private readonly config: Pick<RelayConfig, 'SESSION_RETENTION_HOURS'>,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SessionConnections.name);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      void this.prune().catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'pruning old session connections failed'));
    }, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes sessions not seen for SESSION_RETENTION_HOURS (any instance may; it is idempotent). */
  async prune(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.SESSION_RETENTION_HOURS * 60 * 60 * 1000);
    const deleted = await this.database.db.delete(sessionConnections).where(lt(sessionConnections.seenAt, before)).returning({ sid: sessionConnections.sid });
    for (const row of deleted) this.cache.delete(row.sid);
    if (deleted.length > 0) this.logger.info({ deleted: deleted.length, before: before.toISOString() }, 'pruned old session connections');
    return deleted.length;
  }

  async remember(sid: string, orgId: string, connectionName: string): Promise<void> {
    this.remembered(sid, { orgId, connectionName });
    await this.database.db
      .insert(sessionConnections)
      .values({ sid, orgId, connectionName })
      .onConflictDoUpdate({ target: sessionConnections.sid, set: { orgId, connectionName, seenAt: sql`now()` } });
  }

  async connectionOf(sid: string): Promise<{ orgId: string; connectionName: string } | undefined> {
    const cached = this.cache.get(sid);
    if (cached !== undefined) return cached;
    const rows = await this.database.db
      .select({ orgId: sessionConnections.orgId, connectionName: sessionConnections.connectionName })
      .from(sessionConnections)
      .where(eq(sessionConnections.sid, sid))
      .limit(1);
    const row = rows[0];
    if (row !== undefined) this.remembered(sid, row);
    return row;
  }

  private remembered(sid: string, connection: { orgId: string; connectionName: string }): void {
    this.cache.delete(sid);
    this.cache.set(sid, connection);
    // Map keeps insertion order: the first key is the least recently remembered.
    if (this.cache.size > CACHE_MAX_SESSIONS) this.cache.delete(this.cache.keys().next().value!);
  }
}
