import type { GatewayEvent } from '@hookline/contracts';
import { PAYLOAD_ENV_MAX_BYTES, PAYLOAD_TEXT_FIELD_MAX_BYTES, TRUNCATION_MARK } from '../config/hook-executor.constant.js';

/** The payload the runbooks documentation describes, exactly. */
export interface HookPayload {
  id: string;
  sid: string;
  command: string[] | null;
  event_session_open: {
    verb: string;
    connection_name: string;
    connection_type: string;
    connection_subtype: string;
    user_email: string;
    connection_reviewers: string[];
    input: string;
  } | null;
  event_session_close: { exit_code: number; output: string } | null;
}

/** A payload for the variable (maybe cut) and the whole one for the file. */
export interface PreparedPayload {
  readonly whole: string;
  readonly forEnv: string;
  readonly truncated: boolean;
}

/**
 * session.open / session.close -> the documented payload. Only the listed fields:
 * env key lists, review details and anything else of the event stay out (a
 * connection's environment values never reach the event in the first place).
 * session.close does not carry the session's command, so `command` is null there.
 */
export function buildHookPayload(event: GatewayEvent<'session.open' | 'session.close'>): HookPayload {
  if (event.type === 'session.open') {
    const data = event.data;
    return {
      id: event.id,
      sid: data.sid,
      command: [...data.command],
      event_session_open: {
        verb: data.verb,
        connection_name: data.connection_name,
        connection_type: data.connection_type,
        connection_subtype: data.connection_subtype,
        user_email: data.user_email,
        connection_reviewers: [...data.connection_reviewers],
        input: data.input,
      },
      event_session_close: null,
    };
  }
  return {
    id: event.id,
    sid: event.data.sid,
    command: null,
    event_session_open: null,
    event_session_close: { exit_code: event.data.exit_code, output: event.data.output },
  };
}

/**
 * Serialises the payload for HOOP_RUNBOOK_HOOK_PAYLOAD: when it is too big, `input`
 * and `output` (then command arguments) are cut, each ending in a visible mark, until
 * the JSON is under PAYLOAD_ENV_MAX_BYTES. The file always gets the whole payload.
 */
export function preparePayload(payload: HookPayload, maxBytes = PAYLOAD_ENV_MAX_BYTES): PreparedPayload {
  const whole = JSON.stringify(payload);
  if (Buffer.byteLength(whole) <= maxBytes) return { whole, forEnv: whole, truncated: false };
  const cut = structuredClone(payload);
  for (let budget = Math.min(PAYLOAD_TEXT_FIELD_MAX_BYTES, maxBytes / 2); budget >= 16; budget = Math.floor(budget / 2)) {
    if (cut.event_session_open !== null) cut.event_session_open.input = cutText(payload.event_session_open?.input ?? '', budget);
    if (cut.event_session_close !== null) cut.event_session_close.output = cutText(payload.event_session_close?.output ?? '', budget);
    if (payload.command !== null) cut.command = cutCommand(payload.command, budget);
    const forEnv = JSON.stringify(cut);
    if (Buffer.byteLength(forEnv) <= maxBytes) return { whole, forEnv, truncated: true };
  }
  // Only ids and names remain, each bounded by the contract: this always fits.
  if (cut.event_session_open !== null) cut.event_session_open.input = TRUNCATION_MARK;
  if (cut.event_session_close !== null) cut.event_session_close.output = TRUNCATION_MARK;
  if (cut.command !== null) cut.command = [TRUNCATION_MARK];
  return { whole, forEnv: JSON.stringify(cut), truncated: true };
}

function cutCommand(command: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const arg of command) {
    if (used >= budget) {
      out.push(TRUNCATION_MARK);
      break;
    }
    const piece = cutText(arg, Math.max(16, budget - used));
    out.push(piece);
    used += Buffer.byteLength(piece);
  }
  return out;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (plus the mark), never inside a character. */
export function cutText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so a character is never split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8') + TRUNCATION_MARK;
}
