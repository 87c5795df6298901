import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseHandle } from '@hookline/database';
import { eq, sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.constant.js';
import { sessionConnections } from './session-connection.table.js';

/** Sessions whose connection this instance keeps at hand; the database stays the truth. */
const CACHE_MAX_SESSIONS = 10_000;

/**
 * Which connection each session is on, learnt from session.open (see the table's comment).
 * A session's events share a key, so they usually reach the instance that saw its open:
 * a small in-memory cache spares that instance the read; any other instance reads the row.
 */
@Injectable()
export class SessionConnections {
  private readonly cache = new Map<string, { orgId: string; connectionName: string }>();

  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

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
