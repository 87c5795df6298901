import { Injectable } from '@nestjs/common';
import { isEventType, type EventType } from '@hookline/contracts';
import { PinoLogger } from 'nestjs-pino';
import { v7 as uuidv7 } from 'uuid';
import { IngestService } from '../ingest/ingest.service.js';
import { DoorDedupStore, type StoredAnswer } from './door-dedup.store.js';
import { mapHoopPayload, payloadPathOf, UnmappablePayloadError, type MappedPayload } from './hoop-payload.mapper.js';
import {
  ACKNOWLEDGED_ONLY_EVENT_TYPES,
  CARRIED_EVENT_TYPES,
  DOOR_EVENT_SOURCE,
  SVIX_ID_MAX_LENGTH,
  SVIX_ID_PATTERN,
  type DoorOutcome,
} from './svix-door.constant.js';
import { SvixDoorMetrics } from './svix-door.metrics.js';
import { SvixHttpError } from './svix-wire.js';
import { ApiError } from '@hookline/observability';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Svix's MessageOut, as its SDKs parse it. */
export interface MessageOut {
  readonly id: string;
  readonly eventType: string;
  readonly eventId: string | null;
  readonly payload: Json;
  readonly channels?: readonly string[];
  readonly tags?: readonly string[];
  readonly timestamp: string;
}

/**
 * Message.Create through the door: hoop's payload mapped into the contract, produced with
 * the producer's own validated ingest path (IngestService: validation, Kafka acks=all),
 * answered with Svix's MessageOut only once Kafka has it.
 */
@Injectable()
export class DoorMessageService {
  constructor(
    private readonly ingest: IngestService,
    private readonly dedup: DoorDedupStore,
    private readonly metrics: SvixDoorMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(DoorMessageService.name);
  }

  /** The answer to a Message.Create of `body` for application `appId`, honouring `idempotency-key`. */
  async create(appId: string, idempotencyKey: string | undefined, readBody: () => Promise<unknown>, withContent: boolean): Promise<StoredAnswer> {
    let eventType: unknown;
    const answer = await this.dedup.idempotent(appId, idempotencyKey, async () => {
      try {
        const body = await readBody();
        eventType = isObject(body) ? body.eventType : undefined;
        const out = await this.produce(appId, body);
        return { status: 202, body: withContent ? out : { ...out, payload: {} }, headers: {} };
      } catch (error) {
        if (error instanceof SvixHttpError) return { status: error.getStatus(), body: error.body, headers: error.headers };
        if (error instanceof ApiError) {
          this.metrics.event(eventType, error.getStatus() === 503 ? 'kafka_unavailable' : 'refused');
          const converted = fromApiError(error);
          return { status: converted.getStatus(), body: converted.body, headers: converted.headers };
        }
        throw error;
      }
    });
    if (answer.replayed) this.metrics.event(eventType, 'replayed');
    return answer;
  }

  private async produce(appId: string, body: unknown): Promise<MessageOut> {
    const message = this.messageIn(body);
    const { eventType, eventId, payload } = message;
    if (!SVIX_ID_PATTERN.test(appId) || appId.length > SVIX_ID_MAX_LENGTH) {
      throw this.refuse(
        eventType,
        'unmappable',
        SvixHttpError.validation(['path', 'app_id'], 'the application id (the organisation id) must be 1-256 characters of a-z A-Z 0-9 - _ .'),
      );
    }
    if (ACKNOWLEDGED_ONLY_EVENT_TYPES.includes(eventType)) {
      this.metrics.event(eventType, 'not_carried');
      return messageOut(message, `msg_${uuidv7().replaceAll('-', '')}`);
    }
    if (!isEventType(eventType) || !CARRIED_EVENT_TYPES.includes(eventType)) {
      const known = [...CARRIED_EVENT_TYPES, ...ACKNOWLEDGED_ONLY_EVENT_TYPES].join(', ');
      throw this.refuse(
        eventType,
        'unknown_event_type',
        SvixHttpError.validation(['body', 'eventType'], `hookline does not carry event type ${JSON.stringify(eventType.slice(0, 64))}; it takes ${known}`),
      );
    }
    let mapped: MappedPayload;
    try {
      mapped = mapHoopPayload(eventType, payload, appId);
    } catch (error) {
      if (!(error instanceof UnmappablePayloadError)) throw error;
      throw this.refuse(eventType, 'unmappable', SvixHttpError.validation(['body', 'payload', ...error.path], error.message));
    }
    const id = eventId ?? uuidv7();
    if (eventId !== undefined && !this.dedup.reserveEventId(appId, eventId)) {
      throw this.refuse(
        eventType,
        'duplicate',
        SvixHttpError.of(409, 'conflict', `a message with eventId ${eventId} was already created for this application`),
      );
    }
    let produced = false;
    try {
      await this.accept(eventType, id, mapped);
      produced = true;
    } finally {
      if (eventId !== undefined) this.dedup.settleEventId(appId, eventId, produced);
    }
    this.metrics.droppedFields(eventType, mapped.dropped);
    this.metrics.event(eventType, 'accepted');
    return messageOut(message, `msg_${id.replaceAll('-', '')}`);
  }

  private async accept(eventType: EventType, id: string, mapped: MappedPayload): Promise<void> {
    try {
      await this.ingest.accept([{ type: eventType, id, source: DOOR_EVENT_SOURCE, data: mapped.data }]);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation_failed') {
        const issue = error.details?.[0];
        const path = issue?.path ?? '';
        const loc =
          path === 'id' ? ['body', 'eventId'] : /^data\.org_id\b/.test(path) ? ['path', 'app_id'] : ['body', 'payload', ...payloadPathOf(path, mapped.sources)];
        const field = path.startsWith('data.') ? ` (hookline field ${path.slice(5)})` : '';
        throw this.refuse(eventType, 'unmappable', SvixHttpError.validation(loc, `${issue?.message ?? error.message}${field}`));
      }
      throw error;
    }
  }

  private messageIn(body: unknown): { eventType: string; eventId: string | undefined; payload: Json; channels?: string[]; tags?: string[] } {
    if (!isObject(body))
      throw this.refuse(
        undefined,
        'refused',
        SvixHttpError.validation(['body'], 'expected a MessageIn object {eventType, payload, eventId?}', 'type_error.dict'),
      );
    const { eventType, eventId, payload, channels, tags } = body;
    if (typeof eventType !== 'string' || eventType === '')
      throw this.refuse(
        undefined,
        'unknown_event_type',
        SvixHttpError.validation(['body', 'eventType'], 'field required: a non-empty string', 'value_error.missing'),
      );
    if (eventId !== undefined && eventId !== null && (typeof eventId !== 'string' || !SVIX_ID_PATTERN.test(eventId) || eventId.length > SVIX_ID_MAX_LENGTH)) {
      throw this.refuse(eventType, 'refused', SvixHttpError.validation(['body', 'eventId'], 'eventId must be 1-256 characters of a-z A-Z 0-9 - _ .'));
    }
    if (!isObject(payload))
      throw this.refuse(eventType, 'unmappable', SvixHttpError.validation(['body', 'payload'], 'field required: an object', 'type_error.dict'));
    const strings = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined);
    const channelList = strings(channels);
    const tagList = strings(tags);
    return {
      eventType,
      eventId: typeof eventId === 'string' ? eventId : undefined,
      payload,
      ...(channelList ? { channels: channelList } : {}),
      ...(tagList ? { tags: tagList } : {}),
    };
  }

  private refuse(eventType: unknown, outcome: DoorOutcome, error: SvixHttpError): SvixHttpError {
    this.metrics.event(eventType, outcome);
    this.logger.debug(
      { eventType: typeof eventType === 'string' ? eventType.slice(0, 64) : undefined, outcome, status: error.getStatus() },
      'Message.Create refused',
    );
    return error;
  }
}

function messageOut(message: { eventType: string; eventId: string | undefined; payload: Json; channels?: string[]; tags?: string[] }, id: string): MessageOut {
  return {
    id,
    eventType: message.eventType,
    eventId: message.eventId ?? null,
    payload: message.payload,
    ...(message.channels ? { channels: message.channels } : {}),
    ...(message.tags ? { tags: message.tags } : {}),
    timestamp: new Date().toISOString(),
  };
}

/** The producer's own refusals (body reader, Kafka) in Svix's shape; the message is already written for the gateway's engineers. */
export function fromApiError(error: ApiError): SvixHttpError {
  const status = error.getStatus();
  if (status === 400 && error.code === 'invalid_json') return SvixHttpError.validation(['body'], error.message, 'value_error.jsondecode');
  return SvixHttpError.of(status, error.code, error.message, error.headers);
}
