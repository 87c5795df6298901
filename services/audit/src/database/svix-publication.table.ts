import { boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One event accepted by Svix, from hookline.svix-publications.v1. */
export const svixPublications = pgTable(
  'svix_publications',
  {
    eventId: text('event_id').primaryKey(),
    eventType: text('event_type').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    key: text('key').notNull(),
    sid: text('sid'),
    orgId: text('org_id').notNull(),
    connectionName: text('connection_name'),
    svixAppId: text('svix_app_id').notNull(),
    svixMessageId: text('svix_message_id').notNull(),
    alreadyPublished: boolean('already_published').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('svix_publications_sid_idx').on(table.sid),
    index('svix_publications_message_idx').on(table.svixMessageId),
    index('svix_publications_published_idx').on(table.publishedAt),
  ],
);
