import type { IHeaders, KafkaMessage } from 'kafkajs';

/** Record headers as Kafka carries them: a repeated header name gives an array. */
export type RecordHeaders = Record<string, Buffer | Buffer[]>;

/** A consumed record, independent of the client library underneath. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Int64 as a decimal string (JavaScript numbers cannot hold every offset). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
}

/** A record to produce; strings are written as UTF-8. */
export interface ProduceRecord {
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string>>;
  partition?: number;
  /** Milliseconds since the epoch; the broker's time when absent. */
  timestamp?: string;
}

/** The first value of header `name` as UTF-8 text, or undefined. */
export function headerValue(headers: RecordHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString('utf8');
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

export function normalizeHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(toBuffer) : toBuffer(value);
  }
  return out;
}

export function toKafkaRecord(topic: string, partition: number, message: KafkaMessage): KafkaRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: normalizeHeaders(message.headers),
    timestamp: message.timestamp,
  };
}
