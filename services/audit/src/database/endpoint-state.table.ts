import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What operational webhooks said about an endpoint last (disabled, failing since). */
export const endpointStates = pgTable('endpoint_states', {
  endpointId: text('endpoint_id').primaryKey(),
  appId: text('app_id').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
