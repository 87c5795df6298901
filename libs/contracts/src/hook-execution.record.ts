import { z } from 'zod';
import { identifier, isoDateTime, size, text } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';
import { ResultRecordCodec } from './result-record.codec.js';
import { TOPICS } from './topics.constant.js';

/** The runbook hooks the hook-executor knows, by the event that fires them. */
export const HOOK_NAMES = ['session-open', 'session-close'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The gateway events that fire a hook. */
export const HOOK_EVENT_TYPES = ['session.open', 'session.close'] as const;

/** Outcome of one hook run; also the `outcome` label of hookline_hook_executions_total. */
export const HOOK_OUTCOMES = ['success', 'failure', 'timeout', 'memory_limit', 'process_limit', 'sandbox_error', 'skipped', 'error'] as const;
export type HookOutcome = (typeof HOOK_OUTCOMES)[number];

export const capturedOutputSchema = z
  .strictObject({
    text: text('Captured bytes decoded as UTF-8 (invalid sequences become U+FFFD), up to the cap'),
    truncated: z.boolean().describe('True when the stream produced more bytes than the cap'),
    bytes: size('Bytes the stream produced in total (before the cap)'),
  })
  .describe('One captured output stream of the hook process');

/**
 * One hook run, as the hook-executor writes it to hookline.hook-executions.v1 (key = sid).
 * A skipped run (no hook file, hooks off for the event) is recorded too, so "what
 * happened to session X" always has an answer.
 */
export const hookExecutionRecordSchema = z
  .strictObject({
    event_id: identifier('Id of the gateway event that fired the hook'),
    event_type: z.enum(HOOK_EVENT_TYPES).describe('Type of that event'),
    event_time: isoDateTime('Time of that event'),
    sid: identifier('Session id; the record key'),
    org_id: identifier('Organisation id'),
    hook: z.enum(HOOK_NAMES).describe('Which runbook hook: session-open or session-close'),
    hook_path: z.string().max(LIMITS.nameLength).describe('Path of the hook file in the runbooks repository'),
    git_commit: z.string().max(64).nullable().describe('Commit of the runbooks snapshot the hook ran from; null when none was used'),
    outcome: z
      .enum(HOOK_OUTCOMES)
      .describe(
        'success (exit 0), failure (exit ≠ 0 or signal), timeout (time limit or CPU time limit), memory_limit (ran out of HOOK_MEMORY_MB), process_limit (could not fork past HOOK_MAX_PROCESSES), sandbox_error (the sandbox failed; the hook may not have run), skipped, error (could not run)',
      ),
    started_at: isoDateTime('When the hook process started (or the run was decided, for a skip)'),
    duration_ms: z.number().min(0).describe('Wall time of the run in milliseconds'),
    exit_code: z.int().nullable().describe('Exit code; null when killed by a signal, skipped or not started'),
    signal: z.string().max(32).nullable().describe('Signal that ended the process, e.g. SIGKILL; null otherwise'),
    timed_out: z.boolean().describe('True when the time limit was reached and the process group was killed'),
    skipped_reason: z.string().max(LIMITS.messageLength).nullable().describe('Why the hook did not run (e.g. no hook file); null when it ran'),
    error: z
      .string()
      .max(LIMITS.messageLength)
      .nullable()
      .describe('Why the hook could not be run (spawn or sandbox failure) or which limit stopped it; null otherwise'),
    stdout: capturedOutputSchema,
    stderr: capturedOutputSchema,
    payload_truncated: z.boolean().describe('True when input/output were cut in HOOP_RUNBOOK_HOOK_PAYLOAD (the payload file was whole)'),
  })
  .describe('The result of one runbook hook run');

export type HookExecutionRecord = z.infer<typeof hookExecutionRecordSchema>;

export const hookExecutionRecordCodec = new ResultRecordCodec<HookExecutionRecord>(
  'hook-execution.v1',
  TOPICS.hookExecutions,
  hookExecutionRecordSchema,
  (record) => record.sid,
);
