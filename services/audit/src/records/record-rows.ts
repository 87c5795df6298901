import type { GatewayEvent, HookExecutionRecord, SvixPublicationRecord } from '@hookline/contracts';
import type { deliveryAttempts, gatewayEvents, hookExecutions, svixPublications } from '../database/audit.schema.js';

export type GatewayEventRow = typeof gatewayEvents.$inferInsert;
export type HookExecutionRow = typeof hookExecutions.$inferInsert;
export type PublicationRow = typeof svixPublications.$inferInsert;
export type AttemptRow = typeof deliveryAttempts.$inferInsert;

/** Where a gateway record was read: kept so a row can be traced back to its offset. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function gatewayEventRow(event: GatewayEvent, position: RecordPosition): GatewayEventRow {
  const data = event.data as { org_id: string; connection_name?: string };
  const isSession = event.type !== 'dbroles.job.finished';
  return {
    eventId: event.id,
    eventType: event.type,
    eventTime: new Date(event.time),
    sid: isSession ? event.subject : null,
    key: event.subject,
    orgId: data.org_id,
    connectionName: data.connection_name ?? null,
    topic: position.topic,
    partition: position.partition,
    offset: position.offset,
  };
}

export function hookExecutionRow(record: HookExecutionRecord): HookExecutionRow {
  return {
    eventId: record.event_id,
    eventType: record.event_type,
    eventTime: new Date(record.event_time),
    sid: record.sid,
    orgId: record.org_id,
    hook: record.hook,
    hookPath: record.hook_path,
    gitCommit: record.git_commit,
    outcome: record.outcome,
    startedAt: new Date(record.started_at),
    durationMs: record.duration_ms,
    exitCode: record.exit_code,
    signal: record.signal,
    timedOut: record.timed_out,
    skippedReason: record.skipped_reason,
    error: record.error,
    stdoutText: record.stdout.text,
    stdoutTruncated: record.stdout.truncated,
    stdoutBytes: record.stdout.bytes,
    stderrText: record.stderr.text,
    stderrTruncated: record.stderr.truncated,
    stderrBytes: record.stderr.bytes,
    payloadTruncated: record.payload_truncated,
  };
}

export function publicationRow(record: SvixPublicationRecord): PublicationRow {
  return {
    eventId: record.event_id,
    eventType: record.event_type,
    eventTime: new Date(record.event_time),
    key: record.key,
    sid: record.sid,
    orgId: record.org_id,
    connectionName: record.connection_name,
    svixAppId: record.svix_app_id,
    svixMessageId: record.svix_message_id,
    alreadyPublished: record.already_published,
    publishedAt: new Date(record.published_at),
  };
}
