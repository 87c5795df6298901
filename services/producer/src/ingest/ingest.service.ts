import { Inject, Injectable } from '@nestjs/common';
import { encodeEvent, validateIngestEvent, type EncodedEvent, type EventIssue, type GatewayEvent } from '@hookline/contracts';
import { EventProducer, KafkaUnavailableError } from '@hookline/kafka';
import { APP_CONFIG, type ApiErrorDetail } from '@hookline/observability';
import { PinoLogger } from 'nestjs-pino';
import { UNBOUND_PRINCIPAL, type IngestPrincipal } from '../auth/ingest-principal.js';
import type { ProducerConfig } from '../config/producer.settings.js';
import { IngestRefusal } from '../http/ingest-refusal.js';
import { kafkaErrorType } from '../kafka/kafka-error-type.js';
import type { IngestAcceptedDto } from './dto/ingest-accepted.dto.js';
import { typeOf } from './ingest-batch.js';
import { KAFKA_UNAVAILABLE_RETRY_AFTER_SECONDS, MAX_ERROR_DETAILS } from './ingest.constant.js';
import { IngestMetrics } from './ingest.metrics.js';

interface InvalidEvent {
  readonly index: number;
  readonly issues: readonly EventIssue[];
}

// Kafka refused the records as too big: more of the same would never pass.
const TOO_LARGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * All or nothing: a batch is produced only when every event is valid, in one
 * EventProducer.send, and accepted only once Kafka acknowledged every record.
 */
@Injectable()
export class IngestService {
  private readonly maxEvents: number;

  constructor(
    @Inject(APP_CONFIG) config: Pick<ProducerConfig, 'INGEST_MAX_BATCH_EVENTS'>,
    private readonly producer: EventProducer,
    private readonly metrics: IngestMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.maxEvents = config.INGEST_MAX_BATCH_EVENTS;
    this.logger.setContext(IngestService.name);
  }

  /** `principal`: the caller; a token bound to an organisation may only send that organisation's events. */
  async accept(inputs: readonly unknown[], principal: IngestPrincipal = UNBOUND_PRINCIPAL): Promise<IngestAcceptedDto> {
    if (inputs.length === 0) {
      throw new IngestRefusal(400, 'empty_batch', 'the batch has no events; send 1 to ' + `${this.maxEvents} events`, { reason: 'empty' });
    }
    const eventTypes = inputs.map(typeOf);
    if (inputs.length > this.maxEvents) {
      throw new IngestRefusal(
        413,
        'too_many_events',
        `the batch has ${inputs.length} events; at most ${this.maxEvents} are accepted per request (INGEST_MAX_BATCH_EVENTS)`,
        {
          reason: 'too_many_events',
          eventTypes,
        },
      );
    }

    const events: GatewayEvent[] = [];
    const invalid: InvalidEvent[] = [];
    inputs.forEach((input, index) => {
      const result = validateIngestEvent(input);
      if (result.ok) events.push(result.event);
      else invalid.push({ index, issues: distinct(result.issues) });
    });
    if (invalid.length > 0) throw this.validationError(invalid, inputs.length, eventTypes);
    if (principal.org !== undefined) checkOrganisation(events, principal.org, eventTypes);

    const records = this.encode(events, eventTypes);
    try {
      await this.producer.send(records);
    } catch (error) {
      throw this.produceError(error, eventTypes);
    }
    this.metrics.accepted(eventTypes);
    return { accepted: events.length, ids: events.map((event) => event.id) };
  }

  private encode(events: readonly GatewayEvent[], eventTypes: readonly unknown[]): EncodedEvent[] {
    try {
      return events.map(encodeEvent);
    } catch (error) {
      // validateIngestEvent already checked what encodeEvent re-checks; this is a contracts bug.
      this.logger.error({ err: error }, 'a validated event could not be encoded');
      throw new IngestRefusal(500, 'internal_error', 'an event passed validation but could not be encoded', { eventTypes });
    }
  }

  private validationError(invalid: readonly InvalidEvent[], total: number, eventTypes: readonly unknown[]): IngestRefusal {
    const details = boundedDetails(invalid);
    const issueCount = invalid.reduce((n, event) => n + event.issues.length, 0);
    const shown = details.length < issueCount ? ` (showing ${details.length} of ${issueCount} issues)` : '';
    const which = total === 1 ? 'the event is invalid' : `${invalid.length} of ${total} events are invalid`;
    this.logger.debug({ invalidEvents: invalid.length, events: total }, 'batch refused: validation');
    return new IngestRefusal(400, 'validation_failed', `${which}; nothing was accepted${shown}`, { details, reason: 'validation', eventTypes });
  }

  private produceError(error: unknown, eventTypes: readonly unknown[]): IngestRefusal {
    const type = kafkaErrorType(error);
    if (type !== undefined && TOO_LARGE_ERRORS.has(type)) {
      this.logger.warn({ kafkaError: type }, 'Kafka refused a batch as too large');
      return new IngestRefusal(413, 'payload_too_large', `Kafka refused the batch as too large (${type}); send fewer or smaller events`, {
        reason: 'too_large',
        eventTypes,
      });
    }
    const unavailable = error instanceof KafkaUnavailableError;
    this.logger.warn({ err: error instanceof Error ? { type: error.name, message: error.message } : String(error) }, 'Kafka did not acknowledge a batch');
    const message = unavailable
      ? 'Kafka did not acknowledge the events in time; retry later with the same event ids'
      : `Kafka refused the events${type === undefined ? '' : ` (${type})`}; retry later with the same event ids`;
    return new IngestRefusal(503, 'kafka_unavailable', message, {
      reason: 'kafka_unavailable',
      eventTypes,
      headers: { 'Retry-After': String(KAFKA_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    });
  }
}

/** 403 when an event's org_id is not the bound token's organisation; nothing of the batch is accepted. */
function checkOrganisation(events: readonly GatewayEvent[], org: string, eventTypes: readonly unknown[]): void {
  const foreign: ApiErrorDetail[] = [];
  events.forEach((event, index) => {
    if (event.data.org_id !== org && foreign.length < MAX_ERROR_DETAILS) {
      foreign.push({ index, path: 'data.org_id', message: 'not the organisation this token is bound to (INGEST_ORG_TOKENS)' });
    }
  });
  if (foreign.length === 0) return;
  throw new IngestRefusal(
    403,
    'organisation_mismatch',
    `${foreign.length === 1 && events.length === 1 ? 'the event belongs' : 'events belong'} to another organisation than the token's; nothing was accepted`,
    {
      details: foreign,
      reason: 'organisation_mismatch',
      eventTypes,
    },
  );
}

// validateIngestEvent can name one problem twice (a missing `data`); say it once.
function distinct(issues: readonly EventIssue[]): EventIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * At most MAX_ERROR_DETAILS details, sorted by index: first one issue of each
 * invalid event (so every bad index is named while there is room), then their
 * other issues.
 */
export function boundedDetails(invalid: readonly InvalidEvent[]): ApiErrorDetail[] {
  const picked: { index: number; order: number; issue: EventIssue }[] = [];
  for (let order = 0; picked.length < MAX_ERROR_DETAILS; order++) {
    let any = false;
    for (const event of invalid) {
      const issue = event.issues[order];
      if (issue === undefined) continue;
      any = true;
      picked.push({ index: event.index, order, issue });
      if (picked.length >= MAX_ERROR_DETAILS) break;
    }
    if (!any) break;
  }
  picked.sort((a, b) => a.index - b.index || a.order - b.order);
  return picked.map(({ index, issue }) => ({ index, path: issue.path, message: issue.message }));
}
