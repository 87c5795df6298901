import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import pLimit, { type LimitFunction } from 'p-limit';
import { performance } from 'node:perf_hooks';
import { ApiException } from 'svix';
import type { RelayConfig } from '../config/relay.settings.js';
import { SvixClient } from '../svix/svix-client.service.js';
import { idempotencyKeyOf, svixEventIdOf } from './svix-event-id.js';

export interface PublishRequest {
  readonly orgId: string;
  readonly eventType: string;
  readonly eventId: string;
  readonly payload: Record<string, unknown>;
}

export interface Publication {
  readonly appId: string;
  readonly messageId: string;
  /** Svix answered 409: this eventId was published before (a replay or a re-consumed record). */
  readonly alreadyPublished: boolean;
  /** Time of the Svix calls, not counting the wait for a free SVIX_CONCURRENCY slot. */
  readonly seconds: number;
}

/**
 * Sends one event to Svix: to the organisation's application (uid = org id, created on
 * first use and cached), with `eventId` and an idempotency-key derived from the event id,
 * so publishing the same event again never makes a second message.
 */
@Injectable()
export class SvixPublisher {
  private readonly appIds = new Map<string, string>();
  /** Bounds the Svix calls publishing makes at once (SVIX_CONCURRENCY), whatever else events wait on. */
  private readonly limit: LimitFunction;

  constructor(
    private readonly svix: SvixClient,
    @Inject(APP_CONFIG) config: Pick<RelayConfig, 'SVIX_CONCURRENCY'>,
  ) {
    this.limit = pLimit(config.SVIX_CONCURRENCY);
  }

  /** `signal`: the consumer gave the event up (rebalance, shutdown); a call still waiting for a slot is not made. */
  publish(request: PublishRequest, signal?: AbortSignal): Promise<Publication> {
    return this.limit(() => {
      signal?.throwIfAborted();
      return this.publishNow(request);
    });
  }

  private async publishNow(request: PublishRequest): Promise<Publication> {
    const started = performance.now();
    let published: Omit<Publication, 'seconds'>;
    try {
      published = await this.createMessage(request);
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
      // The cached application was deleted in Svix: forget it and publish once more, recreating it.
      this.appIds.delete(request.orgId);
      published = await this.createMessage(request);
    }
    return { ...published, seconds: (performance.now() - started) / 1000 };
  }

  private async createMessage(request: PublishRequest): Promise<Omit<Publication, 'seconds'>> {
    const api = this.svix.require();
    const appId = await this.appIdOf(request.orgId);
    const eventId = svixEventIdOf(request.eventId);
    try {
      const message = await api.message.create(
        appId,
        { eventType: request.eventType, eventId, payload: request.payload },
        { idempotencyKey: idempotencyKeyOf(eventId), withContent: false },
      );
      return { appId, messageId: message.id, alreadyPublished: false };
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) {
        // Published before: find that message (Svix looks a message up by its eventId too).
        const existing = await api.message.get(appId, eventId, { withContent: false });
        return { appId, messageId: existing.id, alreadyPublished: true };
      }
      throw error;
    }
  }

  /** The Svix application id of an organisation, creating the application on first use. */
  async appIdOf(orgId: string): Promise<string> {
    const cached = this.appIds.get(orgId);
    if (cached !== undefined) return cached;
    const app = await this.svix.require().application.getOrCreate({ name: `org ${orgId}`, uid: orgId });
    this.appIds.set(orgId, app.id);
    return app.id;
  }
}
