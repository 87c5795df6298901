import type { HookExecutionRecord } from '../hook-execution.record.js';
import type { SvixPublicationRecord } from '../svix-publication.record.js';

// Valid records for tests, times in the canonical form a database gives back (…:00.000Z).

/** A failed session-close hook run of sid-1. */
export function exampleHookExecution(overrides: Partial<HookExecutionRecord> = {}): HookExecutionRecord {
  return {
    event_id: 'evt-1',
    event_type: 'session.close',
    event_time: '2026-11-23T10:00:00.000Z',
    sid: 'sid-1',
    org_id: 'org-1',
    hook: 'session-close',
    hook_path: 'hoop-hooks/session-close.runbook.py',
    git_commit: 'a'.repeat(40),
    outcome: 'failure',
    started_at: '2026-11-23T10:00:01.000Z',
    duration_ms: 12.5,
    exit_code: 1,
    signal: null,
    timed_out: false,
    skipped_reason: null,
    error: null,
    stdout: { text: 'hi\n', truncated: false, bytes: 3 },
    stderr: { text: '', truncated: false, bytes: 0 },
    payload_truncated: false,
    ...overrides,
  };
}

/** A dbroles job published to Svix (no session), keyed by its job id. */
export function examplePublication(overrides: Partial<SvixPublicationRecord> = {}): SvixPublicationRecord {
  return {
    event_id: 'evt-2',
    event_type: 'dbroles.job.finished',
    event_time: '2026-11-23T10:00:00.000Z',
    key: 'job-1',
    sid: null,
    org_id: 'org-1',
    connection_name: null,
    svix_app_id: 'app_1',
    svix_message_id: 'msg_1',
    already_published: false,
    published_at: '2026-11-23T10:00:02.000Z',
    ...overrides,
  };
}
