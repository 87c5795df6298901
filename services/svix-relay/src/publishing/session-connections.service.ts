import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseHandle } from '@hookline/database';
import { eq, sql } from 'drizzle-orm';
import { DATABASE } from '../database/database.constant.js';
import { sessionConnections } from './session-connection.table.js';

/** Which connection each session is on, learnt from session.open (see the table's comment). */
@Injectable()
export class SessionConnections {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async remember(sid: string, orgId: string, connectionName: string): Promise<void> {
    await this.database.db
      .insert(sessionConnections)
      .values({ sid, orgId, connectionName })
      .onConflictDoUpdate({ target: sessionConnections.sid, set: { orgId, connectionName, seenAt: sql`now()` } });
  }

  async connectionOf(sid: string): Promise<{ orgId: string; connectionName: string } | undefined> {
    const rows = await this.database.db
      .select({ orgId: sessionConnections.orgId, connectionName: sessionConnections.connectionName })
      .from(sessionConnections)
      .where(eq(sessionConnections.sid, sid))
      .limit(1);
    return rows[0];
  }
}
