import { Inject, Injectable } from '@nestjs/common';
import { ApiError, APP_CONFIG, EndpointUrlPolicy, EndpointUrlRefused } from '@hookline/observability';
import {
  ATTEMPT_STATUSES,
  EVENT_CONTRACTS,
  getEventContract,
  isEventType,
  type EndpointView,
  type EventTypeView,
  type MessageAttemptPage,
  type MessageAttemptView,
  type MessageView,
  type MicrosoftTeamsReviewCreateData,
} from '@hookline/contracts';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import {
  MessageAttemptTriggerType,
  type EndpointIn,
  type EndpointOut,
  type EndpointUpsertIn,
  type EventTypeOut,
  type MessageAttemptOut,
  type MessageOut,
} from 'svix';
import type { RelayConfig } from '../config/relay.settings.js';
import { SvixPublisher } from '../publishing/svix-publisher.service.js';
import { renderTeamsReviewCard } from '../publishing/teams-card.renderer.js';
import { SvixClient } from '../svix/svix-client.service.js';
import { ATTEMPT_STATUS_CODES, type AttemptsQuery, type EndpointWrite, type EventTypeCreate, type EventTypeUpdate } from './dto/admin.schemas.js';

const SCHEMA_VERSION = '1';
/** Pages read when the API gathers a whole listing (event types, endpoints). */
const MAX_PAGES = 20;
const PAGE_SIZE = 250;
/** Stats calls made at once when listing endpoints. */
const STATS_CONCURRENCY = 8;

function timestampsOf(resource: { createdAt: Date; updatedAt: Date }): { created_at: string; updated_at: string } {
  return { created_at: resource.createdAt.toISOString(), updated_at: resource.updatedAt.toISOString() };
}

function eventTypeView(type: EventTypeOut): EventTypeView {
  const schemas = type.schemas as Record<string, unknown> | null | undefined;
  return {
    name: type.name,
    description: type.description,
    schema: schemas?.[SCHEMA_VERSION] ?? null,
    archived: type.archived ?? false,
    deprecated: type.deprecated,
    ...timestampsOf(type),
  };
}

function endpointView(endpoint: EndpointOut): EndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.eventTypes ?? null,
    disabled: endpoint.disabled ?? false,
    ...timestampsOf(endpoint),
  };
}

function messageView(message: MessageOut): MessageView {
  return {
    id: message.id,
    event_id: message.eventId ?? null,
    event_type: message.eventType,
    payload_size: Buffer.byteLength(JSON.stringify(message.payload ?? {}), 'utf8'),
    timestamp: message.timestamp.toISOString(),
  };
}

function attemptView(attempt: MessageAttemptOut): MessageAttemptView {
  return {
    id: attempt.id,
    msg_id: attempt.msgId,
    endpoint_id: attempt.endpointId,
    // A status number Svix adds later is answered as its digits (the SDK's enum cannot know it yet).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    status: ATTEMPT_STATUSES[attempt.status] ?? String(attempt.status),
    response_status_code: attempt.responseStatusCode,
    response_duration_ms: attempt.responseDurationMs,
    trigger_type: attempt.triggerType === MessageAttemptTriggerType.Manual ? 'manual' : 'scheduled',
    url: attempt.url,
    timestamp: attempt.timestamp.toISOString(),
  };
}

/** The management API's Svix side: calls through the SDK, answers in hookline's snake_case. */
@Injectable()
export class SvixAdmin {
  private readonly urlPolicy: EndpointUrlPolicy;

  constructor(
    private readonly svix: SvixClient,
    private readonly publisher: SvixPublisher,
    @Inject(APP_CONFIG) config: Pick<RelayConfig, 'ENDPOINT_URL_ALLOW'>,
  ) {
    this.urlPolicy = new EndpointUrlPolicy(config.ENDPOINT_URL_ALLOW ?? []);
  }

  // ---- event types

  async listEventTypes(): Promise<EventTypeView[]> {
    return (await this.allEventTypes()).map(eventTypeView);
  }

  async getEventType(name: string): Promise<EventTypeView> {
    return eventTypeView(await this.svix.require().eventType.get(name));
  }

  async createEventType(input: EventTypeCreate): Promise<EventTypeView> {
    const created = await this.svix.require().eventType.create({
      name: input.name,
      description: input.description,
      ...(input.schema === undefined ? {} : { schemas: { [SCHEMA_VERSION]: input.schema } }),
    });
    return eventTypeView(created);
  }

  async overwriteEventType(name: string, input: EventTypeUpdate): Promise<EventTypeView> {
    const updated = await this.svix.require().eventType.upsert(name, {
      description: input.description,
      schemas: input.schema === undefined ? null : { [SCHEMA_VERSION]: input.schema },
    });
    return eventTypeView(updated);
  }

  async deleteEventType(name: string): Promise<void> {
    await this.svix.require().eventType.delete(name);
  }

  // ---- endpoints

  async listEndpoints(orgId: string): Promise<EndpointView[]> {
    const api = this.svix.require();
    const endpoints = await this.allEndpoints(orgId);
    const limit = pLimit(STATS_CONCURRENCY);
    return Promise.all(
      endpoints.map(async (endpoint) => {
        const stats = await limit(() => api.endpoint.getStats(orgId, endpoint.id));
        return { ...endpointView(endpoint), stats: { fail: stats.fail, pending: stats.pending, sending: stats.sending, success: stats.success } };
      }),
    );
  }

  async getEndpoint(orgId: string, id: string): Promise<EndpointView> {
    return endpointView(await this.svix.require().endpoint.get(orgId, id));
  }

  async createEndpoint(orgId: string, input: EndpointWrite): Promise<EndpointView> {
    const endpoint = await this.checkedEndpoint(input);
    const appId = await this.publisher.appIdOf(orgId);
    return endpointView(await this.svix.require().endpoint.create(appId, endpoint));
  }

  async overwriteEndpoint(orgId: string, id: string, input: EndpointWrite): Promise<EndpointView> {
    const endpoint = await this.checkedEndpoint(input);
    return endpointView(await this.svix.require().endpoint.upsert(orgId, id, endpoint));
  }

  /** The write's Svix body, once its event types exist and its URL passes the policy. */
  private async checkedEndpoint(input: EndpointWrite): Promise<EndpointIn & EndpointUpsertIn> {
    await this.checkEventTypes(input.event_types);
    await this.checkUrl(input.url);
    return { url: input.url, description: input.description ?? '', eventTypes: input.event_types ?? null, disabled: input.disabled ?? false };
  }

  async setEndpointDisabled(orgId: string, id: string, disabled: boolean): Promise<EndpointView> {
    return endpointView(await this.svix.require().endpoint.patch(orgId, id, { disabled }));
  }

  async deleteEndpoint(orgId: string, id: string): Promise<void> {
    await this.svix.require().endpoint.delete(orgId, id);
  }

  // ---- messages and attempts

  /** A test message of a type, its payload the type's example (the Teams card for reviews). */
  async createTestMessage(orgId: string, eventType: string): Promise<MessageView> {
    if (!isEventType(eventType)) {
      throw new ApiError(400, 'validation', `unknown event type "${eventType}"; test messages exist for ${EVENT_CONTRACTS.map((c) => c.type).join(', ')}`);
    }
    const example = { ...getEventContract(eventType).example, org_id: orgId } as Record<string, unknown>;
    const payload = eventType === 'microsoftteams.review.create' ? renderTeamsReviewCard(example as unknown as MicrosoftTeamsReviewCreateData) : example;
    const appId = await this.publisher.appIdOf(orgId);
    const eventId = `test-${randomUUID()}`;
    const message = await this.svix.require().message.create(appId, { eventType, eventId, payload }, { idempotencyKey: eventId });
    return { ...messageView({ ...message, payload }), test: true };
  }

  async getMessage(orgId: string, id: string): Promise<MessageView> {
    return messageView(await this.svix.require().message.get(orgId, id, { withContent: true }));
  }

  async listAttempts(orgId: string, query: AttemptsQuery): Promise<MessageAttemptPage> {
    const api = this.svix.require();
    let endpointId = query.endpoint_id;
    if (endpointId === undefined) {
      const endpoints = await this.allEndpoints(orgId);
      const [only] = endpoints;
      if (only === undefined || endpoints.length !== 1) {
        throw new ApiError(422, 'endpoint_required', `organisation ${orgId} has ${endpoints.length} endpoints: name one with endpoint_id`, {
          extra: { endpoint_ids: endpoints.map((endpoint) => endpoint.id) },
        });
      }
      endpointId = only.id;
    }
    const page = await api.messageAttempt.listByEndpoint(orgId, endpointId, {
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: ATTEMPT_STATUS_CODES[query.status] }),
      ...(query.event_types === undefined ? {} : { eventTypes: query.event_types }),
      ...(query.iterator === undefined ? {} : { iterator: query.iterator }),
      withContent: false,
    });
    return { endpoint_id: endpointId, data: page.data.map(attemptView), iterator: page.iterator, done: page.done };
  }

  // ---- helpers

  /** Endpoint filters must name event types Svix knows: a 400 naming the unknown ones. */
  // Where Svix may deliver: no user info, no private or metadata address unless ENDPOINT_URL_ALLOW says so.
  private async checkUrl(url: string): Promise<void> {
    try {
      await this.urlPolicy.check(url);
    } catch (error) {
      if (!(error instanceof EndpointUrlRefused)) throw error;
      throw new ApiError(400, 'validation', `invalid body: body.url: ${error.message}`, { details: [{ path: 'body.url', message: error.message }] });
    }
  }

  private async checkEventTypes(names: readonly string[] | undefined): Promise<void> {
    if (names === undefined) return;
    const known = new Set((await this.allEventTypes()).map((type) => type.name));
    const unknown = names.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new ApiError(
        400,
        'validation',
        `unknown event type${unknown.length > 1 ? 's' : ''} in event_types: ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
        {
          details: unknown.map((name) => ({ path: 'body.event_types', message: `unknown event type "${name}"` })),
        },
      );
    }
  }

  private async allEventTypes(): Promise<EventTypeOut[]> {
    const api = this.svix.require();
    const out: EventTypeOut[] = [];
    let iterator: string | null | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await api.eventType.list({ limit: PAGE_SIZE, withContent: true, ...(iterator === undefined || iterator === null ? {} : { iterator }) });
      out.push(...result.data);
      if (result.done) break;
      iterator = result.iterator;
    }
    return out;
  }

  private async allEndpoints(orgId: string): Promise<EndpointOut[]> {
    const api = this.svix.require();
    const out: EndpointOut[] = [];
    let iterator: string | null | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await api.endpoint.list(orgId, { limit: PAGE_SIZE, ...(iterator === undefined || iterator === null ? {} : { iterator }) });
      out.push(...result.data);
      if (result.done) break;
      iterator = result.iterator;
    }
    return out;
  }
}
