import { LIMITS, validateIngestEvent, type EventIssue, type IngestEventInput } from '@hookline/contracts';
import { z } from 'zod';
import { CUT_MARK, RUNBOOK_HOOK_EVENT_SOURCE } from './runbook-hook.constant.js';

/**
 * hoop's runbook-hook payload (common/proto/system/runbookhook.go, RunbookHookRequest),
 * as the hook receives it in HOOP_RUNBOOK_HOOK_PAYLOAD once base64-decoded. Unknown
 * fields are dropped (gateways add fields). `command` is the hook's interpreter
 * (["python3"]) and `input_file` the hook's own source: neither is the session's, so
 * both are read past. `connection_envs` is read for its names only: in hoop its values
 * are the connection's secrets and this code never looks at them. `time` is not hoop's:
 * the forwarder adds when the hook ran, so a spooled event keeps its time.
 */
const hookPayloadSchema = z.object({
  id: z.string(),
  sid: z.string(),
  time: z.string().optional(),
  event_session_open: z
    .object({
      verb: z.string(),
      connection_name: z.string(),
      connection_type: z.string(),
      connection_subtype: z.string().nullish(),
      connection_envs: z.unknown(),
      connection_reviewers: z.array(z.string()).nullish(),
      input: z.string().nullish(),
      user_email: z.string(),
    })
    .nullish(),
  event_session_close: z.object({ exit_code: z.number(), output: z.string().nullish() }).nullish(),
});

export type MappedRunbookHook =
  { readonly ok: true; readonly event: IngestEventInput<'session.open' | 'session.close'> } | { readonly ok: false; readonly issues: readonly EventIssue[] };

// Contract field -> the hook payload field it came from, so an error names what the gateway sent.
const OPEN_FIELDS: Record<string, string> = {
  sid: 'sid',
  org_id: '(the organisation of the bearer token)',
  verb: 'event_session_open.verb',
  connection_name: 'event_session_open.connection_name',
  connection_type: 'event_session_open.connection_type',
  connection_subtype: 'event_session_open.connection_subtype',
  user_id: 'event_session_open.user_email',
  user_email: 'event_session_open.user_email',
  connection_reviewers: 'event_session_open.connection_reviewers',
  input: 'event_session_open.input',
  connection_env_keys: 'event_session_open.connection_envs',
};
const CLOSE_FIELDS: Record<string, string> = {
  sid: 'sid',
  org_id: '(the organisation of the bearer token)',
  exit_code: 'event_session_close.exit_code',
  exit_err: 'event_session_close.output',
};

/**
 * Maps one runbook-hook payload into session.open or session.close for `org`, and
 * validates it against the contract. hoop's `id` (stable per session and hook) becomes
 * the event id, so a forward retried after a lost answer is the same event downstream.
 * Never throws; never puts a value of `connection_envs` in an event or an issue.
 */
export function mapRunbookHook(body: unknown, org: string): MappedRunbookHook {
  const parsed = hookPayloadSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.slice(0, LIMITS.reportedIssues).map((issue) => ({ path: hookPath(issue.path), message: issue.message })) };
  }
  const payload = parsed.data;
  const open = payload.event_session_open ?? undefined;
  const close = payload.event_session_close ?? undefined;
  const unpaired = (message: string): MappedRunbookHook => ({ ok: false, issues: [{ path: 'event_session_open, event_session_close', message }] });
  if (open !== undefined && close !== undefined) return unpaired('both are set: a hook payload is one event');
  const envKeys = open === undefined ? [] : connectionEnvNames(open.connection_envs);
  if (envKeys === undefined) {
    return { ok: false, issues: [{ path: 'event_session_open.connection_envs', message: 'expected an object (names to values) or a list of names' }] };
  }
  const attributes = { id: payload.id, source: RUNBOOK_HOOK_EVENT_SOURCE, ...(payload.time === undefined ? {} : { time: payload.time }) };
  const input: IngestEventInput<'session.open' | 'session.close'> | undefined =
    open !== undefined
      ? {
          type: 'session.open',
          ...attributes,
          data: {
            sid: payload.sid,
            org_id: org,
            verb: open.verb as 'connect' | 'exec',
            connection_name: open.connection_name,
            connection_type: open.connection_type,
            connection_subtype: open.connection_subtype ?? '',
            // The hook payload has no user id: the email is the user's identity there.
            user_id: open.user_email,
            user_email: open.user_email,
            connection_reviewers: open.connection_reviewers ?? [],
            ...cutInput(open.input ?? ''),
            input_env_keys: [],
            connection_env_keys: envKeys,
            // Not in the hook payload (its `command` is the hook's interpreter).
            command: [],
            review: null,
          },
        }
      : close === undefined
        ? undefined
        : {
            type: 'session.close',
            ...attributes,
            data: {
              sid: payload.sid,
              org_id: org,
              exit_code: close.exit_code,
              // hoop sends the session's error message as `output`; the session output is not in the payload.
              exit_err: close.output === undefined || close.output === null ? null : cut(close.output, LIMITS.messageLength),
              output: '',
              is_output_truncated: false,
              output_size: 0,
            },
          };
  if (input === undefined) return unpaired('neither is set: send the payload of a session-open or a session-close hook');
  const result = validateIngestEvent(input);
  if (result.ok) return { ok: true, event: input };
  const fields = input.type === 'session.open' ? OPEN_FIELDS : CLOSE_FIELDS;
  return { ok: false, issues: result.issues.map((issue) => ({ path: fromContractPath(issue.path, fields), message: issue.message })) };
}

/** Names of `connection_envs`: the keys of hoop's map, or a forwarder's list of names; undefined when neither. */
function connectionEnvNames(envs: unknown): string[] | undefined {
  if (envs === undefined || envs === null) return [];
  if (Array.isArray(envs)) return envs.every((name) => typeof name === 'string') ? envs : undefined;
  if (typeof envs === 'object') return Object.keys(envs);
  return undefined;
}

function cutInput(input: string): { input: string; is_input_truncated: boolean; input_size: number } {
  const size = Buffer.byteLength(input, 'utf8');
  if (input.length <= LIMITS.textLength) return { input, is_input_truncated: false, input_size: size };
  return { input: cut(input, LIMITS.textLength), is_input_truncated: true, input_size: size };
}

/** `text` in at most `max` UTF-16 units, the cut marked, never inside a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - CUT_MARK.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + CUT_MARK;
}

function hookPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : String(segment)))
    .join('.')
    .replace(/\.\[/g, '[');
}

function fromContractPath(path: string, fields: Record<string, string>): string {
  if (path === 'id' || path === 'time') return path;
  const match = /^data\.([a-z_]+)(.*)$/.exec(path);
  const field = match?.[1];
  if (field === undefined) return path;
  const from = fields[field];
  return from === undefined ? path : `${from}${match?.[2] ?? ''}`;
}
