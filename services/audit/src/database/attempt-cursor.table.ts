import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Per endpoint, the time up to which Svix's attempt list has been read and stored. */
export const attemptCursors = pgTable(
  'attempt_cursors',
  {
    appId: text('app_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    readUntil: timestamp('read_until', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.appId, table.endpointId] })],
);
