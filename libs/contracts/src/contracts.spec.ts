import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CE_HEADERS,
  EVENT_CONTRACTS,
  EVENT_TOPICS,
  EVENT_TYPES,
  LIMITS,
  TOPICS,
  buildEvent,
  decodeEvent,
  dlqTopic,
  encodeEvent,
  getEventContract,
  validateIngestEvent,
  type JsonSchema,
} from './index.js';

void describe('event contracts', () => {
  void it('lists every event type once, with its topic', () => {
    assert.deepEqual(
      EVENT_CONTRACTS.map((c) => c.type),
      [...EVENT_TYPES],
    );
    assert.deepEqual(EVENT_TOPICS, {
      'session.open': 'gateway.sessions.v1',
      'session.close': 'gateway.sessions.v1',
      'microsoftteams.review.create': 'gateway.sessions.v1',
      'dbroles.job.finished': 'gateway.dbroles.v1',
    });
    assert.equal(TOPICS.hookExecutions, 'hookline.hook-executions.v1');
    assert.equal(TOPICS.svixPublications, 'hookline.svix-publications.v1');
    assert.equal(dlqTopic(TOPICS.gatewaySessions), 'gateway.sessions.v1.dlq');
  });

  for (const contract of EVENT_CONTRACTS) {
    void describe(contract.type, () => {
      void it('example validates', () => {
        const result = validateIngestEvent({ type: contract.type, data: contract.example });
        assert.deepEqual(result.ok ? [] : result.issues, []);
      });

      void it('round-trips encode -> decode with the same data, headers, key and topic', () => {
        const event = buildEvent({
          type: contract.type,
          id: 'gw-evt-42',
          time: '2025-06-02T14:30:00.123+02:00',
          source: 'hoop-gateway/eu-1',
          data: contract.example,
        });
        const subject = getEventContract(contract.type).key(contract.example);
        const record = encodeEvent(event);
        assert.equal(record.topic, contract.topic);
        assert.equal(record.key, subject);
        assert.deepEqual(record.headers, {
          [CE_HEADERS.specversion]: '1.0',
          [CE_HEADERS.id]: 'gw-evt-42',
          [CE_HEADERS.type]: contract.type,
          [CE_HEADERS.source]: 'hoop-gateway/eu-1',
          [CE_HEADERS.time]: '2025-06-02T14:30:00.123+02:00',
          [CE_HEADERS.subject]: subject,
          [CE_HEADERS.contentType]: 'application/json',
        });
        assert.deepEqual(JSON.parse(record.value.toString('utf8')), contract.example);
        // As a Kafka client hands it back: Buffers everywhere.
        const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
        const decoded = decodeEvent({ key: Buffer.from(record.key), value: record.value, headers });
        assert.deepEqual(decoded, event);
      });

      void it('JSON schema is closed, requires the non-optional fields and carries the description', () => {
        const schema = contract.jsonSchema;
        assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
        assert.equal(schema.title, contract.type);
        assert.equal(schema.description, contract.description);
        const objects: JsonSchema[] = [];
        const walk = (node: unknown): void => {
          if (Array.isArray(node)) node.forEach(walk);
          else if (typeof node === 'object' && node !== null) {
            if ((node as JsonSchema).type === 'object') objects.push(node as JsonSchema);
            Object.values(node).forEach(walk);
          }
        };
        walk(schema);
        assert.ok(objects.length > 0);
        for (const object of objects) assert.equal(object.additionalProperties, false);
        const required = schema.required as string[];
        for (const field of Object.keys(contract.example)) {
          if (field !== 'session_url') assert.ok(required.includes(field), `${field} is required`);
        }
        assert.ok(JSON.stringify(schema).includes(String(LIMITS.idLength)));
      });
    });
  }

  void it('session.open and close text fields accept 1 MB, and their JSON schema says 1 MiB', () => {
    const open = getEventContract('session.open');
    const big = 'x'.repeat(1_000_000);
    const result = validateIngestEvent({
      type: 'session.open',
      data: { ...open.example, input: big, input_size: big.length },
    });
    assert.equal(result.ok, true);
    const inputSchema = (EVENT_CONTRACTS[0]!.jsonSchema.properties as Record<string, JsonSchema>).input!;
    assert.equal(inputSchema.maxLength, 1_048_576);
  });
});
