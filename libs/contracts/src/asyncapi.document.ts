import { z } from 'zod';
import { CE_HEADERS, CE_SPECVERSION, EVENT_CONTENT_TYPE } from './cloud-events.constant.js';
import { eventAttributeSchemas } from './event-attributes.schema.js';
import { eventJsonSchema, getEventContract, type JsonSchema } from './event-contracts.registry.js';
import { EVENT_TYPES, type EventType } from './event-types.constant.js';
import { GATEWAY_TOPICS, type GatewayTopic } from './topics.constant.js';

export const ASYNCAPI_VERSION = '3.0.0';
/** Version of the events API; bump when a contract changes. */
export const EVENTS_API_VERSION = '1.0.0';
const KAFKA_BINDING_VERSION = '0.5.0';

// Fixed example attributes: the generated document must be byte-stable so --check works.
const EXAMPLE_ATTRIBUTES = {
  id: '0197a3c2-5a10-7e21-b3c4-d5e6f7a8b9c0',
  source: 'hoop-gateway/eu-1',
  time: '2025-06-02T14:30:00Z',
} as const;

const CHANNEL_IDS: Record<GatewayTopic, string> = {
  'gateway.sessions.v1': 'gatewaySessions',
  'gateway.dbroles.v1': 'gatewayDbroles',
};

const CHANNEL_DESCRIPTIONS: Record<GatewayTopic, string> = {
  'gateway.sessions.v1': 'Session lifecycle and reviews, keyed by sid so the events of one session stay in order on one partition.',
  'gateway.dbroles.v1': 'Database role provisioning jobs, keyed by job id.',
};

/** "microsoftteams.review.create" -> "microsoftteamsReviewCreate" */
function messageId(type: EventType): string {
  return type.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
}

function withoutDialect(schema: JsonSchema): JsonSchema {
  // AsyncAPI's default schema format is a draft-07 superset; the $schema keyword is noise there.
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** The CloudEvents binary-mode headers of one event type, from the same zod attribute schemas. */
function headersSchema(type: EventType): JsonSchema {
  const keyField = getEventContract(type).keyField;
  const schema = z.object({
    [CE_HEADERS.specversion]: z.literal(CE_SPECVERSION).describe('CloudEvents spec version'),
    [CE_HEADERS.id]: eventAttributeSchemas.id,
    [CE_HEADERS.type]: z.literal(type).describe('Event type'),
    [CE_HEADERS.source]: eventAttributeSchemas.source,
    [CE_HEADERS.time]: eventAttributeSchemas.time,
    [CE_HEADERS.subject]: eventAttributeSchemas.subject.describe(`Equals data.${keyField} and the record key`),
    [CE_HEADERS.contentType]: z.literal(EVENT_CONTENT_TYPE).describe('The value is the event data as JSON'),
  });
  // Other headers (tracing, client ids) are allowed on a Kafka record.
  return withoutDialect({ ...z.toJSONSchema(schema, { target: 'draft-7' }), additionalProperties: true });
}

function message(type: EventType): JsonSchema {
  const contract = getEventContract(type);
  const subject = contract.key(contract.example);
  return {
    name: type,
    title: type,
    summary: contract.description,
    contentType: EVENT_CONTENT_TYPE,
    headers: headersSchema(type),
    payload: withoutDialect(eventJsonSchema(type, 'draft-7')),
    bindings: {
      kafka: {
        key: { type: 'string', description: `data.${contract.keyField}` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    examples: [
      {
        name: `${messageId(type)}Example`,
        summary: `A realistic ${type} event`,
        headers: {
          [CE_HEADERS.specversion]: CE_SPECVERSION,
          [CE_HEADERS.id]: EXAMPLE_ATTRIBUTES.id,
          [CE_HEADERS.type]: type,
          [CE_HEADERS.source]: EXAMPLE_ATTRIBUTES.source,
          [CE_HEADERS.time]: EXAMPLE_ATTRIBUTES.time,
          [CE_HEADERS.subject]: subject,
          [CE_HEADERS.contentType]: EVENT_CONTENT_TYPE,
        },
        payload: contract.example,
      },
    ],
  };
}

/** AsyncAPI 3.0 description of the gateway topics, generated from the contracts. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) messages[messageId(type)] = message(type);

  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  for (const topic of GATEWAY_TOPICS) {
    const channelId = CHANNEL_IDS[topic];
    const types = EVENT_TYPES.filter((type) => getEventContract(type).topic === topic);
    channels[channelId] = {
      address: topic,
      title: topic,
      description: CHANNEL_DESCRIPTIONS[topic],
      messages: Object.fromEntries(types.map((type) => [messageId(type), { $ref: `#/components/messages/${messageId(type)}` }])),
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`send${channelId.charAt(0).toUpperCase()}${channelId.slice(1)}`] = {
      action: 'send',
      title: `Send to ${topic}`,
      summary: 'The gateway sends these events, through the producer (POST /v1/events) or with any Kafka client.',
      channel: { $ref: `#/channels/${channelId}` },
      messages: types.map((type) => ({ $ref: `#/channels/${channelId}/messages/${messageId(type)}` })),
    };
  }

  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'hookline gateway events',
      version: EVENTS_API_VERSION,
      description:
        'Events of the access gateway as they travel on Kafka: CloudEvents 1.0 in binary mode (ce_* headers, the value is the event data as JSON). Generated from libs/contracts by scripts/gen-asyncapi.mjs; do not edit by hand.',
      license: { name: 'MIT' },
    },
    defaultContentType: EVENT_CONTENT_TYPE,
    channels,
    operations,
    components: { messages },
  };
}
