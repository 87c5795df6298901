import { bigint, boolean, doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One runbook hook run from hookline.hook-executions.v1. */
export const hookExecutions = pgTable(
  'hook_executions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    sid: text('sid').notNull(),
    orgId: text('org_id').notNull(),
    hook: text('hook').notNull(),
    hookPath: text('hook_path').notNull(),
    gitCommit: text('git_commit'),
    outcome: text('outcome').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    durationMs: doublePrecision('duration_ms').notNull(),
    exitCode: integer('exit_code'),
    signal: text('signal'),
    timedOut: boolean('timed_out').notNull(),
    skippedReason: text('skipped_reason'),
    error: text('error'),
    stdoutText: text('stdout_text').notNull(),
    stdoutTruncated: boolean('stdout_truncated').notNull(),
    stdoutBytes: integer('stdout_bytes').notNull(),
    stderrText: text('stderr_text').notNull(),
    stderrTruncated: boolean('stderr_truncated').notNull(),
    stderrBytes: integer('stderr_bytes').notNull(),
    payloadTruncated: boolean('payload_truncated').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    // A record consumed twice (at-least-once) is one run; a hook re-run after a crash starts at another time.
    uniqueIndex('hook_executions_run_uq').on(table.eventId, table.hook, table.startedAt),
    index('hook_executions_sid_idx').on(table.sid, table.startedAt),
    index('hook_executions_started_idx').on(table.startedAt, table.id),
  ],
);
