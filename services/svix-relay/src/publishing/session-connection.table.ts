import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The connection of each session, learnt from its session.open: session.close carries only
 * the sid, and may be consumed by another relay instance after a rebalance, so this lives
 * in the database rather than in one process's memory.
 */
export const sessionConnections = pgTable(
  'relay_session_connections',
  {
    sid: text('sid').primaryKey(),
    orgId: text('org_id').notNull(),
    connectionName: text('connection_name').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Old rows are pruned by seen_at (SESSION_RETENTION_HOURS).
  (table) => [index('relay_session_connections_seen_at_idx').on(table.seenAt)],
);
