import type { z } from 'zod';
import { EventDecodeError } from './event-decode.error.js';
import { issuesToReason, toEventIssues } from './event-issue.formatter.js';

/** Content type of hookline's own result records (plain JSON values, not CloudEvents). */
export const RESULT_RECORD_CONTENT_TYPE = 'application/json';
/** Header naming the record shape and its version, e.g. `hook-execution.v1`. */
export const RESULT_RECORD_KIND_HEADER = 'hookline-record';

/** A result record ready for any Kafka producer. */
export interface EncodedResultRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * Encoding and decoding of one result-record shape. Records are validated on both ends:
 * a producer cannot write a shape consumers would reject, and a consumer sends anything
 * else to the dead-letter topic (EventDecodeError) instead of guessing.
 */
export class ResultRecordCodec<T> {
  constructor(
    readonly kind: string,
    readonly topic: string,
    private readonly schema: z.ZodType<T>,
    private readonly keyOf: (record: T) => string,
  ) {}

  encode(record: T): EncodedResultRecord {
    const parsed = this.schema.safeParse(record);
    if (!parsed.success) {
      throw new EventDecodeError(`invalid ${this.kind} record: ${issuesToReason(toEventIssues(parsed.error.issues))}`);
    }
    return {
      topic: this.topic,
      key: this.keyOf(parsed.data),
      value: Buffer.from(JSON.stringify(parsed.data), 'utf8'),
      headers: { 'content-type': RESULT_RECORD_CONTENT_TYPE, [RESULT_RECORD_KIND_HEADER]: this.kind },
    };
  }

  decode(value: Buffer | string | null): T {
    if (value === null) throw new EventDecodeError(`${this.kind} record has no value`);
    let json: unknown;
    try {
      json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    } catch {
      throw new EventDecodeError(`${this.kind} record value is not JSON`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      throw new EventDecodeError(`invalid ${this.kind} record: ${issuesToReason(toEventIssues(parsed.error.issues))}`);
    }
    return parsed.data;
  }
}
