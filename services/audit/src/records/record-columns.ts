import type { GatewayEventRow, HookExecutionRow, PublicationRow } from './record-rows.js';
import type { BulkColumn } from './unnest-insert.js';

// Column lists of the bulk inserts; names and types as in migrations/ (src/database/*.table.ts).

export const GATEWAY_EVENT_COLUMNS: readonly BulkColumn<GatewayEventRow>[] = [
  { name: 'event_id', type: 'text', value: (row) => row.eventId },
  { name: 'event_type', type: 'text', value: (row) => row.eventType },
  { name: 'event_time', type: 'timestamptz', value: (row) => row.eventTime },
  { name: 'sid', type: 'text', value: (row) => row.sid },
  { name: 'key', type: 'text', value: (row) => row.key },
  { name: 'org_id', type: 'text', value: (row) => row.orgId },
  { name: 'connection_name', type: 'text', value: (row) => row.connectionName },
  { name: 'topic', type: 'text', value: (row) => row.topic },
  { name: 'partition', type: 'int4', value: (row) => row.partition },
  { name: 'offset', type: 'text', value: (row) => row.offset },
];

export const HOOK_EXECUTION_COLUMNS: readonly BulkColumn<HookExecutionRow>[] = [
  { name: 'event_id', type: 'text', value: (row) => row.eventId },
  { name: 'event_type', type: 'text', value: (row) => row.eventType },
  { name: 'event_time', type: 'timestamptz', value: (row) => row.eventTime },
  { name: 'sid', type: 'text', value: (row) => row.sid },
  { name: 'org_id', type: 'text', value: (row) => row.orgId },
  { name: 'hook', type: 'text', value: (row) => row.hook },
  { name: 'hook_path', type: 'text', value: (row) => row.hookPath },
  { name: 'git_commit', type: 'text', value: (row) => row.gitCommit },
  { name: 'outcome', type: 'text', value: (row) => row.outcome },
  { name: 'started_at', type: 'timestamptz', value: (row) => row.startedAt },
  { name: 'duration_ms', type: 'float8', value: (row) => row.durationMs },
  { name: 'exit_code', type: 'int4', value: (row) => row.exitCode },
  { name: 'signal', type: 'text', value: (row) => row.signal },
  { name: 'timed_out', type: 'bool', value: (row) => row.timedOut },
  { name: 'skipped_reason', type: 'text', value: (row) => row.skippedReason },
  { name: 'error', type: 'text', value: (row) => row.error },
  { name: 'stdout_text', type: 'text', value: (row) => row.stdoutText },
  { name: 'stdout_truncated', type: 'bool', value: (row) => row.stdoutTruncated },
  { name: 'stdout_bytes', type: 'int4', value: (row) => row.stdoutBytes },
  { name: 'stderr_text', type: 'text', value: (row) => row.stderrText },
  { name: 'stderr_truncated', type: 'bool', value: (row) => row.stderrTruncated },
  { name: 'stderr_bytes', type: 'int4', value: (row) => row.stderrBytes },
  { name: 'payload_truncated', type: 'bool', value: (row) => row.payloadTruncated },
];

export const PUBLICATION_COLUMNS: readonly BulkColumn<PublicationRow>[] = [
  { name: 'event_id', type: 'text', value: (row) => row.eventId },
  { name: 'event_type', type: 'text', value: (row) => row.eventType },
  { name: 'event_time', type: 'timestamptz', value: (row) => row.eventTime },
  { name: 'key', type: 'text', value: (row) => row.key },
  { name: 'sid', type: 'text', value: (row) => row.sid },
  { name: 'org_id', type: 'text', value: (row) => row.orgId },
  { name: 'connection_name', type: 'text', value: (row) => row.connectionName },
  { name: 'svix_app_id', type: 'text', value: (row) => row.svixAppId },
  { name: 'svix_message_id', type: 'text', value: (row) => row.svixMessageId },
  { name: 'already_published', type: 'bool', value: (row) => row.alreadyPublished },
  { name: 'published_at', type: 'timestamptz', value: (row) => row.publishedAt },
];
