import { doublePrecision, index, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/** One Svix delivery attempt, read from Svix's attempt API. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    attemptId: text('attempt_id').primaryKey(),
    messageId: text('message_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    appId: text('app_id').notNull(),
    eventType: text('event_type'),
    /** The gateway event id (the Svix message's eventId). */
    eventId: text('event_id'),
    sid: text('sid'),
    /** Svix MessageStatus: 0 success, 1 pending, 2 fail, 3 sending, 4 canceled. */
    status: smallint('status').notNull(),
    responseStatusCode: integer('response_status_code').notNull(),
    /** Svix MessageAttemptTriggerType: 0 scheduled, 1 manual. */
    triggerType: smallint('trigger_type').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true, mode: 'date' }).notNull(),
    responseDurationMs: integer('response_duration_ms').notNull(),
    /**
     * Event time -> this successful attempt, set once both are known (the attempt may be
     * read before its publication is consumed); set means counted in the latency histogram.
     */
    latencySeconds: doublePrecision('latency_seconds'),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('delivery_attempts_endpoint_idx').on(table.endpointId, table.attemptedAt),
    index('delivery_attempts_time_idx').on(table.attemptedAt, table.attemptId),
    index('delivery_attempts_message_idx').on(table.messageId),
    index('delivery_attempts_event_idx').on(table.eventId),
    index('delivery_attempts_sid_idx').on(table.sid),
  ],
);
