import { Inject, Injectable } from '@nestjs/common';
import { svixPublicationRecordCodec, type EncodedResultRecord, type GatewayEvent, type SvixPublicationRecord } from '@hookline/contracts';
import { EventProducer, PermanentError, TransientError, type RecordSender } from '@hookline/kafka';
import { PinoLogger } from 'nestjs-pino';
import { PluginConnections } from '../plugins/plugin-connections.service.js';
import { FILTER_REASONS } from '../relay.constant.js';
import { describeSvixFailure } from '../svix/svix-failure.js';
import { SessionConnections } from './session-connections.service.js';
import { RelayMetrics } from './relay.metrics.js';
import { SvixPublisher } from './svix-publisher.service.js';
import { renderTeamsReviewCard } from './teams-card.renderer.js';

export type RelayOutcome = { readonly published: SvixPublicationRecord } | { readonly filtered: string };

interface Target {
  readonly sid: string | null;
  readonly connectionName: string | null;
}

/**
 * One event's way through the relay: the webhooks-plugin filter, the Svix message
 * (Teams card for reviews), the publication record. Throws TransientError for what a
 * retry may fix (Svix unreachable/429/5xx, Kafka, the database) and PermanentError for
 * what it cannot (Svix refused the message for good), which the consumer dead-letters.
 */
@Injectable()
export class RelayService {
  constructor(
    private readonly plugins: PluginConnections,
    private readonly sessions: SessionConnections,
    private readonly publisher: SvixPublisher,
    @Inject(EventProducer) private readonly producer: RecordSender,
    private readonly metrics: RelayMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RelayService.name);
  }

  /**
   * `settleAfter` given (the consumer's): the publication record's acknowledgement is handed to
   * it instead of awaited, so the event's slot is free while the record waits for company in
   * a produce request; its offset is still committed only after the acknowledgement.
   */
  async relay(event: GatewayEvent, key: string, signal?: AbortSignal, settleAfter?: (step: Promise<unknown>) => void): Promise<RelayOutcome> {
    // A session.open's connection is written while it is published (the two are independent);
    // both must succeed before the offset moves on.
    const remembered = event.type === 'session.open' ? this.rememberSession(event.data.sid, event.data.org_id, event.data.connection_name) : Promise.resolve();
    // Handled now (awaited below), so an early failure is not an unhandled rejection meanwhile.
    remembered.catch(() => undefined);
    try {
      return await this.filterAndPublish(event, key, signal, settleAfter);
    } finally {
      await remembered;
    }
  }

  private async rememberSession(sid: string, orgId: string, connectionName: string): Promise<void> {
    try {
      await this.sessions.remember(sid, orgId, connectionName);
    } catch (error) {
      throw new TransientError(`database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private async filterAndPublish(
    event: GatewayEvent,
    key: string,
    signal: AbortSignal | undefined,
    settleAfter: ((step: Promise<unknown>) => void) | undefined,
  ): Promise<RelayOutcome> {
    const target = await this.targetOf(event);
    if ('filtered' in target) {
      this.metrics.filtered.inc({ reason: target.filtered });
      return target;
    }
    const record = (publication: { appId: string; messageId: string; alreadyPublished: boolean }): SvixPublicationRecord => ({
      event_id: event.id,
      event_type: event.type,
      event_time: event.time,
      key,
      sid: target.sid,
      org_id: event.data.org_id,
      connection_name: target.connectionName,
      svix_app_id: publication.appId,
      svix_message_id: publication.messageId,
      already_published: publication.alreadyPublished,
      published_at: new Date().toISOString(),
    });
    // A publication that could never be recorded (an empty or invalid key, ...) would be retried
    // forever: checked before Svix is asked, and dead-lettered with the reason.
    encodePublication(record({ appId: '', messageId: '', alreadyPublished: false }), event, 'not published');
    const payload = event.type === 'microsoftteams.review.create' ? renderTeamsReviewCard(event.data) : (event.data as unknown as Record<string, unknown>);
    let publication;
    try {
      publication = await this.publisher.publish({ orgId: event.data.org_id, eventType: event.type, eventId: event.id, payload }, signal);
    } catch (error) {
      // Given up by the consumer: its next owner publishes it (the same idempotency key makes that one message).
      if (signal?.aborted === true) throw new TransientError(`event ${event.id} given up before it was published`, { cause: error });
      const failure = describeSvixFailure(error);
      this.metrics.svixError(failure.statusClass);
      const what = failure.status === undefined ? `Svix unreachable (${failure.message})` : `Svix answered ${failure.status}: ${failure.message}`;
      if (!failure.retryable) throw new PermanentError(`${what}; event ${event.id} (${event.type}) not published`, { cause: error });
      // Retry-After is honoured here, on top of the consumer's own backoff; the wait ends early on shutdown.
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) await waitFor(failure.retryAfterMs, signal);
      throw new TransientError(what, { cause: error });
    }
    this.metrics.publishSeconds.observe(publication.seconds);
    const published = record(publication);
    // Svix's answer itself may not fit the record (an over-long id): no retry changes that.
    const encoded = encodePublication(published, event, `published to Svix as ${publication.messageId.slice(0, 64)}, not recorded`);
    // Given up meanwhile: the next owner re-publishes (Svix answers with the same message) and records it.
    if (signal?.aborted === true) throw new TransientError(`event ${event.id} given up before its publication was recorded`);
    const recorded = this.producer.send(encoded).then(
      () => this.metrics.published.inc({ event_type: event.type }),
      (error: unknown) => {
        // Retried whole: the message create is idempotent, so the retry finds the same message.
        throw new TransientError(`recording the publication of ${event.id} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      },
    );
    if (settleAfter === undefined) await recorded;
    else settleAfter(recorded);
    return { published };
  }

  /** Whether and as what the event is published; database failures are transient. */
  private async targetOf(event: GatewayEvent): Promise<Target | { readonly filtered: string }> {
    try {
      switch (event.type) {
        case 'dbroles.job.finished':
          return { sid: null, connectionName: null };
        case 'session.open':
          return this.byPlugin(event.data.org_id, event.data.sid, event.data.connection_name);
        case 'microsoftteams.review.create':
          return this.byPlugin(event.data.org_id, event.data.sid, event.data.connection_name);
        case 'session.close': {
          const known = await this.sessions.connectionOf(event.data.sid);
          if (known === undefined) return { filtered: FILTER_REASONS.unknownSession };
          // Published under the close's org, it would reach another organisation's endpoints.
          if (known.orgId !== event.data.org_id) {
            throw new PermanentError(
              `session.close ${event.id} of session ${event.data.sid} names org ${event.data.org_id}, but its session.open was seen under another org; not published`,
            );
          }
          return this.byPlugin(event.data.org_id, event.data.sid, known.connectionName);
        }
      }
    } catch (error) {
      if (error instanceof PermanentError) throw error;
      throw new TransientError(`database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private byPlugin(orgId: string, sid: string, connectionName: string): Target | { readonly filtered: string } {
    return this.plugins.isEnabled(orgId, connectionName) ? { sid, connectionName } : { filtered: FILTER_REASONS.pluginDisabled };
  }
}

/** The publication record as Kafka gets it; one that cannot be encoded is a permanent failure. */
function encodePublication(record: SvixPublicationRecord, event: GatewayEvent, outcome: string): EncodedResultRecord {
  if (record.key === '') throw new PermanentError(`event ${event.id} (${event.type}) came with an empty Kafka key; ${outcome}`);
  try {
    return svixPublicationRecordCodec.encode(record);
  } catch (error) {
    throw new PermanentError(
      `the publication record of event ${event.id} (${event.type}) cannot be encoded (${error instanceof Error ? error.message : String(error)}); ${outcome}`,
      { cause: error },
    );
  }
}

function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
