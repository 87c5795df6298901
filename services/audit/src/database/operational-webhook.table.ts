import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Svix operational webhooks, stored once per svix-id. */
export const operationalWebhooks = pgTable(
  'operational_webhooks',
  {
    svixId: text('svix_id').primaryKey(),
    type: text('type').notNull(),
    appId: text('app_id'),
    endpointId: text('endpoint_id'),
    messageId: text('message_id'),
    eventId: text('event_id'),
    payload: jsonb('payload').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('operational_webhooks_endpoint_idx').on(table.endpointId, table.receivedAt),
    index('operational_webhooks_received_idx').on(table.receivedAt),
  ],
);
