import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { parse as parseContentType } from 'content-type';
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { ProducerConfig } from '../config/producer.settings.js';
import { IngestRefusal } from '../http/ingest-refusal.js';
import { JSON_SUFFIX_MEDIA_TYPE } from './ingest.constant.js';
import { parseJsonText } from './json-text.parser.js';

const BYTE_ORDER_MARK = '\uFEFF';

function tooLarge(limit: number): IngestRefusal {
  return new IngestRefusal(413, 'payload_too_large', `request body is larger than ${limit} bytes (INGEST_MAX_BODY_BYTES); send fewer events per request`, {
    reason: 'too_large',
  });
}

function unsupported(message: string): IngestRefusal {
  return new IngestRefusal(415, 'unsupported_media_type', message, { reason: 'unsupported_media_type' });
}

/**
 * Reads a POST /v1/events body: JSON (application/json or application/*+json) in
 * UTF-8, at most INGEST_MAX_BODY_BYTES, parsed. It runs after the bearer token is
 * checked, so an unauthenticated caller never makes the service read a body.
 */
@Injectable()
export class IngestBodyReader {
  private readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: Pick<ProducerConfig, 'INGEST_MAX_BODY_BYTES'>) {
    this.limit = config.INGEST_MAX_BODY_BYTES;
  }

  async read(request: IncomingMessage): Promise<unknown> {
    this.checkContentType(request);
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      throw unsupported(`Content-Encoding ${JSON.stringify(encoding.slice(0, 32))} is not supported; send the body uncompressed`);
    }
    const declared = request.headers['content-length'];
    const length = declared === undefined ? undefined : Number(declared);
    // Refuse before reading a byte when the client says up front it is too much.
    if (length !== undefined && Number.isFinite(length) && length > this.limit) throw tooLarge(this.limit);

    let text: string;
    try {
      text = await getRawBody(request, { limit: this.limit, encoding: 'utf-8', ...(length !== undefined && Number.isFinite(length) ? { length } : {}) });
    } catch (error) {
      throw this.readError(error);
    }
    if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    if (text.trim() === '') {
      throw new IngestRefusal(400, 'invalid_json', 'request body is empty; send an event, an array of events or {"events": [...]}', { reason: 'invalid_json' });
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) throw new IngestRefusal(400, 'invalid_json', `request body is not valid JSON: ${parsed.message}`, { reason: 'invalid_json' });
    return parsed.value;
  }

  private checkContentType(request: IncomingMessage): void {
    const header = request.headers['content-type'];
    const expected = 'send Content-Type: application/json';
    if (header === undefined || header.trim() === '') throw unsupported(`Content-Type is missing; ${expected}`);
    let type: string;
    let charset: string | undefined;
    try {
      const parsed = parseContentType(header);
      type = parsed.type;
      charset = parsed.parameters.charset;
    } catch {
      throw unsupported(`Content-Type is malformed; ${expected}`);
    }
    if (type !== 'application/json' && !JSON_SUFFIX_MEDIA_TYPE.test(type)) {
      throw unsupported(`Content-Type ${JSON.stringify(type.slice(0, 64))} is not supported; ${expected}`);
    }
    if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) {
      throw unsupported(`charset ${JSON.stringify(charset.slice(0, 32))} is not supported; JSON is sent in UTF-8`);
    }
  }

  private readError(error: unknown): IngestRefusal {
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') return tooLarge(this.limit);
    const why = type === 'request.size.invalid' ? 'the body is shorter or longer than its Content-Length' : 'the body could not be read';
    return new IngestRefusal(400, 'invalid_body', `request body unreadable: ${why}`, { reason: 'invalid_json' });
  }
}
