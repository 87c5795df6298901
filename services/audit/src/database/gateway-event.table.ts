import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Gateway events seen on gateway.sessions.v1 / gateway.dbroles.v1: what a timeline starts from. */
export const gatewayEvents = pgTable(
  'gateway_events',
  {
    eventId: text('event_id').primaryKey(),
    eventType: text('event_type').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    /** sid for session events, null for dbroles jobs. */
    sid: text('sid'),
    key: text('key').notNull(),
    orgId: text('org_id').notNull(),
    connectionName: text('connection_name'),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    offset: text('offset').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [index('gateway_events_sid_idx').on(table.sid, table.eventTime), index('gateway_events_time_idx').on(table.eventTime)],
);
