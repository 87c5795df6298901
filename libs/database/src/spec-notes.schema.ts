// Schema of the spec's migrations in ../spec-migrations (drizzle-kit generate --dialect postgresql --schema src/spec-notes.schema.ts --out spec-migrations).
import { integer, pgTable, text } from 'drizzle-orm/pg-core';

export const notes = pgTable('database_spec_notes', {
  id: integer('id').primaryKey(),
  body: text('body').notNull(),
});
