import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DatabaseHandle } from '@hookline/database';
import { APP_CONFIG } from '@hookline/observability';
import { lt, sql } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import type { RelayConfig } from '../config/relay.settings.js';
import { DATABASE } from '../database/database.constant.js';
import { sessionConnections } from './session-connection.table.js';

/** Sessions whose connection this instance keeps at hand; the database stays the truth. */
const CACHE_MAX_SESSIONS = 10_000;
/** How often rows older than SESSION_RETENTION_HOURS are deleted. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Most sessions one coalesced statement carries (3 parameters each, far below PostgreSQL's 65,535). */
const MAX_SESSIONS_PER_STATEMENT = 500;

type Connection = { orgId: string; connectionName: string };

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Requests made in the same turn of the event loop, answered by one statement: the relay
 * works up to RELAY_KEY_CONCURRENCY events at once, and one round trip (and one query
 * build) per event cost more CPU than the Svix call. Each caller still gets its own
 * outcome only once the statement carrying its row is done.
 */
class StatementBatcher<K, T> {
  private pending = new Map<K, Waiter<T>[]>();
  private scheduled = false;

  constructor(private readonly run: (keys: K[]) => Promise<Map<K, T>>) {}

  request(key: K): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters === undefined) this.pending.set(key, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: lets every handler that is ready in this turn join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += MAX_SESSIONS_PER_STATEMENT) {
      const slice = keys.slice(start, start + MAX_SESSIONS_PER_STATEMENT);
      this.run(slice).then(
        (results) => {
          for (const key of slice) for (const waiter of batch.get(key) ?? []) waiter.resolve(results.get(key) as T);
        },
        (error: unknown) => {
          for (const key of slice) for (const waiter of batch.get(key) ?? []) waiter.reject(error);
        },
      );
    }
  }
}

/**
 * Which connection each session is on, learnt from session.open (see the table's comment).
 * A session's events share a key, so they usually reach the instance that saw its open:
 * a small in-memory cache spares that instance the read; any other instance reads the row.
 */
@Injectable()
export class SessionConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly cache = new Map<string, Connection>();
  private timer: NodeJS.Timeout | undefined;
  /** Rows to upsert, by sid; the latest remember() of a sid in a batch wins (one row may be touched once per statement). */
  private readonly toWrite = new Map<string, Connection>();
  private readonly writes = new StatementBatcher<string, undefined>((sids) => this.writeRows(sids));
  private readonly reads = new StatementBatcher<string, Connection | undefined>((sids) => this.readRows(sids));

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(APP_CONFIG) private readonly config: Pick<RelayConfig, 'SESSION_RETENTION_HOURS'>,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SessionConnections.name);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      void this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'pruning old session connections failed'),
      );
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
    const connection = { orgId, connectionName };
    this.remembered(sid, connection);
    this.toWrite.set(sid, connection);
    await this.writes.request(sid);
  }

  async connectionOf(sid: string): Promise<Connection | undefined> {
    const cached = this.cache.get(sid);
    if (cached !== undefined) return cached;
    const row = await this.reads.request(sid);
    if (row !== undefined) this.remembered(sid, row);
    return row;
  }

  /**
   * One upsert for every session remembered in this turn, as three array parameters
   * (unnest) whatever the number of rows: drizzle's per-value placeholders cost more CPU
   * than the statement itself at a few hundred rows.
   */
  private async writeRows(sids: string[]): Promise<Map<string, undefined>> {
    const orgIds: string[] = [];
    const connectionNames: string[] = [];
    for (const sid of sids) {
      const connection = this.toWrite.get(sid);
      if (connection === undefined) throw new Error(`no connection queued for session ${sid}`);
      this.toWrite.delete(sid);
      orgIds.push(connection.orgId);
      connectionNames.push(connection.connectionName);
    }
    await this.database.db.execute(sql`
      INSERT INTO ${sessionConnections} (sid, org_id, connection_name)
      SELECT * FROM unnest(${sql.param(sids)}::text[], ${sql.param(orgIds)}::text[], ${sql.param(connectionNames)}::text[])
      ON CONFLICT (sid) DO UPDATE SET org_id = excluded.org_id, connection_name = excluded.connection_name, seen_at = now()`);
    return new Map();
  }

  /** One select for every session looked up (and not cached) in this turn. */
  private async readRows(sids: string[]): Promise<Map<string, Connection>> {
    const result = await this.database.db.execute(
      sql`SELECT sid, org_id, connection_name FROM ${sessionConnections} WHERE sid = ANY(${sql.param(sids)}::text[])`,
    );
    const rows = (result as { rows?: { sid: string; org_id: string; connection_name: string }[] }).rows ?? [];
    return new Map(rows.map((row) => [row.sid, { orgId: row.org_id, connectionName: row.connection_name }]));
  }

  private remembered(sid: string, connection: Connection): void {
    this.cache.delete(sid);
    this.cache.set(sid, connection);
    // Map keeps insertion order: the first key is the least recently remembered.
    if (this.cache.size > CACHE_MAX_SESSIONS) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
  }
}
