// hoop's webhook payloads (what its webhooks plugin passes to Svix's Message.Create) mapped
// into hookline's contracts. Shapes read from hoophq/hoop:
//   gateway/transport/plugins/webhooks/webhooks.go (session.open, session.close, microsoftteams.review.create)
//   gateway/api/openapi/types.go DBRoleJob + the dbroles provisioner's sendWebhook (dbroles.job.finished)
// The contract schemas then validate the result (IngestService); this file only reshapes.
import type { EventType } from '@hookline/contracts';
import type { DroppedFieldLabel } from './svix-door.constant.js';

type Json = Record<string, unknown>;

/** A payload that cannot be mapped: `path` is inside the Svix message's `payload`. */
export class UnmappablePayloadError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

export interface MappedPayload {
  readonly data: Json;
  /** hoop fields not carried (bounded labels), one entry per dropped field. */
  readonly dropped: readonly DroppedFieldLabel[];
  /**
   * Where each contract field came from in hoop's payload, for naming the field when the
   * contract refuses its value (key: the contract's dotted path, value: the payload path).
   */
  readonly sources: Readonly<Record<string, readonly (string | number)[]>>;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function object(value: unknown, path: readonly (string | number)[]): Json {
  if (!isObject(value)) throw new UnmappablePayloadError(path, `expected an object, got ${describe(value)}`);
  return value;
}

/** Go encodes a nil slice as null: null and absent both mean an empty list. */
function list(value: unknown, path: readonly (string | number)[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UnmappablePayloadError(path, `expected an array or null, got ${describe(value)}`);
  return value;
}

/** Records every key of `source` not in `known` as dropped (`unknown_field`, or its own label). */
function dropUnknown(source: Json, known: readonly string[], dropped: DroppedFieldLabel[], labelled: Partial<Record<string, DroppedFieldLabel>> = {}): void {
  for (const key of Object.keys(source)) {
    if (known.includes(key)) continue;
    dropped.push(labelled[key] ?? 'unknown_field');
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * hoop's `input` is a Go []byte, which encoding/json writes as standard base64. Decoded as
 * UTF-8; hoop cuts input at 10,000 bytes, which can split a character: the broken tail
 * becomes U+FFFD rather than a refusal.
 */
export function decodeGoBytes(value: unknown, path: readonly (string | number)[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new UnmappablePayloadError(path, `expected base64 text (a Go []byte), got ${describe(value)}`);
  if (!BASE64.test(value)) throw new UnmappablePayloadError(path, 'is not valid base64 (hoop sends input as standard base64 with padding)');
  return utf8.decode(Buffer.from(value, 'base64'));
}

// ---- session.open ------------------------------------------------------------------------

const SESSION_OPEN_FIELDS = [
  'event_type',
  'id',
  'user_id',
  'user_email',
  'connection',
  'connection_type',
  'connection_envs',
  'input',
  'is_input_truncated',
  'input_size',
  'input_envs',
  'review',
  'command',
  'verb',
];

function mapSessionOpen(payload: Json, orgId: string): MappedPayload {
  const dropped: DroppedFieldLabel[] = [];
  dropUnknown(payload, SESSION_OPEN_FIELDS, dropped, { has_input_args: 'has_input_args' });
  let review: Json | null = null;
  if (payload.review !== undefined && payload.review !== null) {
    const source = object(payload.review, ['review']);
    dropUnknown(source, ['type', 'status', 'owner_email'], dropped);
    review = { type: source.type, status: source.status, owner_email: source.owner_email };
  }
  const data: Json = {
    sid: payload.id,
    org_id: orgId,
    verb: payload.verb,
    connection_name: payload.connection,
    connection_type: payload.connection_type,
    // Not in hoop's payload: documented defaults (README "Connect your gateway").
    connection_subtype: '',
    user_id: payload.user_id,
    user_email: payload.user_email,
    connection_reviewers: [],
    input: decodeGoBytes(payload.input, ['input']),
    is_input_truncated: payload.is_input_truncated,
    input_size: payload.input_size,
    input_env_keys: list(payload.input_envs, ['input_envs']),
    connection_env_keys: list(payload.connection_envs, ['connection_envs']),
    command: list(payload.command, ['command']),
    review,
  };
  return {
    data,
    dropped,
    sources: {
      sid: ['id'],
      org_id: [],
      connection_name: ['connection'],
      input_env_keys: ['input_envs'],
      connection_env_keys: ['connection_envs'],
    },
  };
}

// ---- session.close -----------------------------------------------------------------------

function mapSessionClose(payload: Json, orgId: string): MappedPayload {
  const dropped: DroppedFieldLabel[] = [];
  dropUnknown(payload, ['event_type', 'id', 'exit_code', 'exit_err'], dropped);
  const data: Json = {
    sid: payload.id,
    org_id: orgId,
    exit_code: payload.exit_code,
    exit_err: payload.exit_err === undefined ? null : payload.exit_err,
    // hoop sends no output: documented defaults.
    output: '',
    is_output_truncated: false,
    output_size: 0,
  };
  return { data, dropped, sources: { sid: ['id'], org_id: [] } };
}

// ---- microsoftteams.review.create --------------------------------------------------------

/** The session link hoop puts in the card: `[sid](<api url>/sessions/<sid>)`. */
const SESSION_LINK = /^\[([^\]\s]+)\]\((https?:\/\/[^\s()]+\/sessions\/([^\s()/]+))\)$/;
/** One Go %q-quoted string in `["a" "b"]` (Go's fmt of a []string with %q). */
const GO_QUOTED = /"((?:[^"\\]|\\.)*)"/g;

function unquoteGo(inner: string): string {
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    // Go escapes JSON does not know (\x41, \a): keep the text as it is.
    return inner;
  }
}

/** Connection type from the CodeBlock language hoop derives from it (parseLangCodeBlock). */
function connectionTypeOfLanguage(language: unknown): string {
  if (language === 'SQL') return 'database';
  if (language === 'PlainText' || typeof language !== 'string') return 'unknown';
  // Bash is also what hoop shows for `custom` connections; application is the documented guess.
  return 'application';
}

function mapReviewCard(payload: Json, orgId: string): MappedPayload {
  const dropped: DroppedFieldLabel[] = [];
  const attachments = list(payload.attachments, ['attachments']);
  if (attachments.length === 0) throw new UnmappablePayloadError(['attachments'], 'expected the Teams message with one Adaptive Card attachment');
  const content = object(object(attachments[0], ['attachments', 0]).content, ['attachments', 0, 'content']);
  const bodyPath = ['attachments', 0, 'content', 'body'];
  const blocks = list(content.body, bodyPath);

  let link: RegExpExecArray | null = null;
  let facts: unknown[] | undefined;
  let factsIndex = -1;
  let code: Json | undefined;
  blocks.forEach((block, index) => {
    if (!isObject(block)) return;
    if (block.type === 'TextBlock' && typeof block.text === 'string' && link === null) link = SESSION_LINK.exec(block.text);
    if (block.type === 'FactSet' && facts === undefined) {
      facts = list(block.facts, [...bodyPath, index, 'facts']);
      factsIndex = index;
    }
    if (block.type === 'Container' && code === undefined) {
      const item = list(block.items, [...bodyPath, index, 'items']).find((entry) => isObject(entry) && entry.type === 'CodeBlock');
      if (isObject(item)) code = item;
    }
  });
  const found = link as RegExpExecArray | null;
  if (found === null) throw new UnmappablePayloadError(bodyPath, 'no TextBlock with the session link "[<sid>](<api url>/sessions/<sid>)"');
  if (facts === undefined) throw new UnmappablePayloadError(bodyPath, 'no FactSet (Created By, Approval Groups, Session Time, Connection)');
  const factList = facts;
  const factsPath = [...bodyPath, factsIndex, 'facts'];
  const fact = (title: string): { value: unknown; path: (string | number)[] } => {
    const index = factList.findIndex((entry) => isObject(entry) && entry.title === title);
    if (index < 0) throw new UnmappablePayloadError(factsPath, `no fact titled "${title}"`);
    return { value: (factList[index] as Json).value, path: [...factsPath, index, 'value'] };
  };
  const text = (title: string): { value: string; path: (string | number)[] } => {
    const { value, path } = fact(title);
    if (typeof value !== 'string') throw new UnmappablePayloadError(path, `expected the "${title}" fact as text, got ${describe(value)}`);
    return { value, path };
  };

  const createdBy = text('Created By');
  const separator = createdBy.value.lastIndexOf(' | ');
  if (separator < 0) throw new UnmappablePayloadError(createdBy.path, 'expected "Created By" as "<name> | <email>"');
  const ownerName = createdBy.value.slice(0, separator).trim();
  const ownerEmail = createdBy.value.slice(separator + 3).trim();

  const groups = text('Approval Groups');
  if (!/^\[.*\]$/s.test(groups.value)) throw new UnmappablePayloadError(groups.path, 'expected "Approval Groups" as Go\'s %q of a list, e.g. ["dba" "sec"]');
  const approvalGroups = [...groups.value.matchAll(GO_QUOTED)].map((match) => unquoteGo(match[1] ?? ''));

  // hoop's "Session Time" is the requested access duration ("1h0m0s", or "`-`"), not the
  // start time the contract's session_time holds: it is dropped, session_time is null.
  const sessionTime = text('Session Time');
  if (sessionTime.value !== '`-`') dropped.push('session_time');

  const connection = text('Connection');
  const sid = found[3];
  if (sid === undefined || found[1] !== sid) throw new UnmappablePayloadError(bodyPath, 'the session link names two different session ids');

  const data: Json = {
    sid,
    org_id: orgId,
    // hoop looks reviews up by session id (GetReviewByIdOrSid) and does not put the review id in the card.
    review_id: sid,
    status: 'PENDING',
    // hoop sends an empty name when the user has none; the email stands in for it.
    created_by: { name: ownerName === '' ? ownerEmail : ownerName, email: ownerEmail },
    approval_groups: approvalGroups,
    session_time: null,
    connection_name: connection.value,
    connection_type: connectionTypeOfLanguage(code?.language),
    input: typeof code?.codeSnippet === 'string' ? code.codeSnippet : '',
    session_url: found[2],
  };
  return {
    data,
    dropped,
    sources: {
      sid: bodyPath,
      org_id: [],
      created_by: createdBy.path,
      'created_by.name': createdBy.path,
      'created_by.email': createdBy.path,
      approval_groups: groups.path,
      connection_name: connection.path,
      input: [...bodyPath],
      session_url: bodyPath,
    },
  };
}

// ---- dbroles.job.finished ----------------------------------------------------------------

const JOB_FIELDS = ['org_id', 'id', 'created_at', 'completed_at', 'spec', 'status', 'hook_status'];

function mapDbrolesJobFinished(payload: Json, orgId: string): MappedPayload {
  const dropped: DroppedFieldLabel[] = [];
  dropUnknown(payload, ['event_type', 'event_payload'], dropped);
  const job = object(payload.event_payload, ['event_payload']);
  dropUnknown(job, JOB_FIELDS, dropped);
  const spec = object(job.spec, ['event_payload', 'spec']);
  dropUnknown(spec, ['account_arn', 'db_arn', 'db_name', 'db_engine', 'db_tags'], dropped);
  if (job.status === null || job.status === undefined) throw new UnmappablePayloadError(['event_payload', 'status'], 'a finished job has a status; got null');
  const status = object(job.status, ['event_payload', 'status']);
  dropUnknown(status, ['phase', 'message', 'result'], dropped);
  const result = list(status.result, ['event_payload', 'status', 'result']).map((entry, index) => {
    const role = object(entry, ['event_payload', 'status', 'result', index]);
    dropUnknown(role, ['user_role', 'status', 'message', 'completed_at'], dropped, { credentials_info: 'credentials_info' });
    // hoop names a role's outcome `status`; the contract, like the job's, `phase`.
    return { user_role: role.user_role, phase: role.status, message: role.message, completed_at: role.completed_at };
  });
  let hookStatus: Json | null = null;
  if (job.hook_status !== undefined && job.hook_status !== null) {
    const hook = object(job.hook_status, ['event_payload', 'hook_status']);
    dropUnknown(hook, ['exit_code', 'output', 'execution_time_sec'], dropped);
    hookStatus = { exit_code: hook.exit_code, output: hook.output, execution_time_sec: hook.execution_time_sec };
  }
  const data: Json = {
    // The organisation is the application the gateway sent to, whatever event_payload.org_id says.
    org_id: orgId,
    id: job.id,
    created_at: job.created_at,
    completed_at: job.completed_at,
    spec: {
      account_arn: spec.account_arn,
      db_arn: spec.db_arn,
      db_name: spec.db_name,
      db_engine: spec.db_engine,
      db_tags: list(spec.db_tags, ['event_payload', 'spec', 'db_tags']),
    },
    status: { phase: status.phase, message: status.message, result },
    hook_status: hookStatus,
  };
  const sources: Record<string, (string | number)[]> = { org_id: [] };
  for (const key of ['id', 'created_at', 'completed_at', 'spec', 'status', 'hook_status']) sources[key] = ['event_payload', key];
  result.forEach((_role, index) => {
    sources[`status.result.${index}.phase`] = ['event_payload', 'status', 'result', index, 'status'];
  });
  return { data, dropped, sources };
}

const MAPPERS: Record<EventType, (payload: Json, orgId: string) => MappedPayload> = {
  'session.open': mapSessionOpen,
  'session.close': mapSessionClose,
  'microsoftteams.review.create': mapReviewCard,
  'dbroles.job.finished': mapDbrolesJobFinished,
};

/** Maps hoop's payload of `type` for organisation `orgId`; throws UnmappablePayloadError naming the field. */
export function mapHoopPayload(type: EventType, payload: unknown, orgId: string): MappedPayload {
  return MAPPERS[type](object(payload, []), orgId);
}

/**
 * The payload path (under `payload`) a contract issue path (`data.x.y`) came from: the
 * longest recorded source prefix, else the same path (most fields keep hoop's name).
 */
export function payloadPathOf(contractPath: string, sources: MappedPayload['sources']): (string | number)[] {
  const parts = contractPath
    .replace(/^data\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
  for (let length = parts.length; length > 0; length--) {
    const source = sources[parts.slice(0, length).join('.')];
    if (source !== undefined) return [...source, ...parts.slice(length).map((part) => (/^\d+$/.test(part) ? Number(part) : part))];
  }
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
