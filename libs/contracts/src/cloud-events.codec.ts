import { CE_HEADERS, CE_SPECVERSION, CE_STRUCTURED_CONTENT_TYPE, EVENT_CONTENT_TYPE } from './cloud-events.constant.js';
import { getEventContract } from './event-contracts.registry.js';
import { EventDecodeError } from './event-decode.error.js';
import { issuesToReason, preview, unknownTypeMessage } from './event-issue.formatter.js';
import { isEventType } from './event-types.constant.js';
import { EventValidationError } from './event-validation.error.js';
import type { GatewayEvent } from './gateway-event.type.js';
import { eventAttributeSchemas } from './event-attributes.schema.js';
import { validateRecordEvent } from './ingest-event.validator.js';
import type { GatewayTopic } from './topics.constant.js';

/** A record ready for any Kafka client's producer. */
export interface EncodedEvent {
  readonly topic: GatewayTopic;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a consumed record the decoder reads; kafkajs' KafkaMessage fits as it is. */
export interface EventRecord {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null | undefined;
  // null/undefined: what a record from outside may carry, whatever its declared type.
  readonly headers?: Readonly<Record<string, HeaderValue>> | null;
  /** Record timestamp (ms since epoch, as kafkajs gives it); stands in for a missing ce_time. */
  readonly timestamp?: string | number;
}

/** CloudEvents binary mode: attributes in ce_* headers, the data as the JSON value. */
export function encodeEvent(event: GatewayEvent): EncodedEvent {
  const contract = getEventContract(event.type);
  // Headers come from the event's attributes: re-check them so a hand-built event with a
  // CR/LF in its id cannot inject headers. The data was validated when the event was built.
  const issues = (['id', 'source', 'time', 'subject'] as const).flatMap((field) => {
    const result = eventAttributeSchemas[field].safeParse(event[field]);
    return result.success ? [] : [{ path: field, message: result.error.issues[0]?.message ?? 'invalid' }];
  });
  const key = contract.key(event.data);
  if (issues.length === 0 && key !== event.subject) {
    issues.push({ path: 'subject', message: `must equal data.${contract.keyField}` });
  }
  if (issues.length > 0) throw new EventValidationError(issues);
  return {
    topic: contract.topic,
    key,
    value: Buffer.from(JSON.stringify(event.data), 'utf8'),
    headers: {
      [CE_HEADERS.specversion]: CE_SPECVERSION,
      [CE_HEADERS.id]: event.id,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.source]: event.source,
      [CE_HEADERS.time]: event.time,
      [CE_HEADERS.subject]: event.subject,
      [CE_HEADERS.contentType]: EVENT_CONTENT_TYPE,
    },
  };
}

function asText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Header names are matched case-insensitively; a repeated header counts by its first value. */
function readHeaders(headers: EventRecord['headers']): Map<string, string> {
  const out = new Map<string, string>();
  if (headers === undefined || headers === null) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    const lower = name.toLowerCase();
    if (first !== undefined && !out.has(lower)) out.set(lower, asText(first));
  }
  return out;
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function timestampToIso(timestamp: EventRecord['timestamp']): string | undefined {
  if (timestamp === undefined) return undefined;
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

interface RecordParts {
  readonly attributes: Record<string, unknown>;
  readonly subject: unknown;
}

function fromBinary(headers: Map<string, string>, data: unknown, record: EventRecord): RecordParts {
  const header = (name: string): string => {
    const value = headers.get(name);
    if (value === undefined) throw new EventDecodeError(`missing header ${name}`);
    return value;
  };
  const type = header(CE_HEADERS.type);
  if (!isEventType(type)) throw new EventDecodeError(unknownTypeMessage(type));
  const specversion = header(CE_HEADERS.specversion);
  if (specversion !== CE_SPECVERSION) {
    throw new EventDecodeError(`unsupported ${CE_HEADERS.specversion} ${preview(specversion)}; expected ${CE_SPECVERSION}`);
  }
  const time = headers.get(CE_HEADERS.time) ?? timestampToIso(record.timestamp);
  if (time === undefined) throw new EventDecodeError(`missing header ${CE_HEADERS.time}`);
  return {
    attributes: { type, id: header(CE_HEADERS.id), source: header(CE_HEADERS.source), time, data },
    subject: headers.get(CE_HEADERS.subject),
  };
}

function fromStructured(cloudEvent: unknown, record: EventRecord): RecordParts {
  if (typeof cloudEvent !== 'object' || cloudEvent === null || Array.isArray(cloudEvent)) {
    throw new EventDecodeError('structured-mode value is not a JSON object');
  }
  const ce = cloudEvent as Record<string, unknown>;
  const attribute = (name: string): unknown => {
    if (!Object.hasOwn(ce, name)) throw new EventDecodeError(`missing attribute ${name}`);
    return ce[name];
  };
  const type = attribute('type');
  if (!isEventType(type)) throw new EventDecodeError(unknownTypeMessage(type));
  if (attribute('specversion') !== CE_SPECVERSION) {
    throw new EventDecodeError(`unsupported specversion ${preview(ce.specversion)}; expected ${CE_SPECVERSION}`);
  }
  if (Object.hasOwn(ce, 'data_base64')) throw new EventDecodeError('data_base64 is not supported; data must be JSON');
  const dataContentType = ce.datacontenttype;
  if (dataContentType !== undefined && (typeof dataContentType !== 'string' || mediaType(dataContentType) !== EVENT_CONTENT_TYPE)) {
    throw new EventDecodeError(`unsupported datacontenttype ${preview(dataContentType)}; expected ${EVENT_CONTENT_TYPE}`);
  }
  const time = Object.hasOwn(ce, 'time') ? ce.time : timestampToIso(record.timestamp);
  if (time === undefined) throw new EventDecodeError('missing attribute time');
  // Extension attributes are ignored, as the CloudEvents spec asks of consumers.
  return {
    attributes: { type, id: attribute('id'), source: attribute('source'), time, data: attribute('data') },
    subject: ce.subject,
  };
}

/**
 * Kafka record -> validated GatewayEvent, from any client: binary mode (ce_* headers,
 * value = data) or structured mode (value = the whole CloudEvent). Throws EventDecodeError
 * with a reason for anything that can never be processed (the DLQ case).
 */
export function decodeEvent(record: EventRecord): GatewayEvent {
  const headers = readHeaders(record.headers);
  if (record.value === null || record.value === undefined || record.value.length === 0) {
    throw new EventDecodeError('value is empty (a tombstone or no data)');
  }
  let value: unknown;
  try {
    value = JSON.parse(asText(record.value));
  } catch (error) {
    throw new EventDecodeError(`value is not JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`);
  }

  const contentType = headers.get(CE_HEADERS.contentType);
  const structured =
    (contentType !== undefined && mediaType(contentType) === CE_STRUCTURED_CONTENT_TYPE) ||
    (!headers.has(CE_HEADERS.type) && typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'specversion'));
  if (!structured && contentType !== undefined && mediaType(contentType) !== EVENT_CONTENT_TYPE) {
    throw new EventDecodeError(`unsupported content-type ${preview(contentType)}; expected ${EVENT_CONTENT_TYPE}`);
  }
  const parts = structured ? fromStructured(value, record) : fromBinary(headers, value, record);

  const result = validateRecordEvent(parts.attributes);
  if (!result.ok) throw new EventDecodeError(issuesToReason(result.issues));
  const event = result.event;
  const keyField = getEventContract(event.type).keyField;

  // A record that names two different sessions is contradictory; the data wins nothing,
  // it goes to the DLQ. A mismatched key would also break per-session ordering.
  if (parts.subject !== undefined && parts.subject !== event.subject) {
    throw new EventDecodeError(`${CE_HEADERS.subject} ${preview(parts.subject)} does not match data.${keyField} ${preview(event.subject)}`);
  }
  // An absent key is accepted (some clients do not key records); a different one is not.
  if (record.key !== undefined && record.key !== null && record.key.length > 0) {
    const key = asText(record.key);
    if (key !== event.subject) {
      throw new EventDecodeError(`record key ${preview(key)} does not match data.${keyField} ${preview(event.subject)}`);
    }
  }
  return event;
}
