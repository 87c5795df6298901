// Valid events are answered 202 with their ids only once they are on Kafka: on their
// topic, keyed by sid (job id for dbroles), as CloudEvents binary-mode records that
// decode back to the event.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CE_HEADERS, TOPICS, decodeEvent, type IngestEventInput } from '@hookline/contracts';
import type { Admin, Kafka } from 'kafkajs';
import {
  NO_BROKER_SKIP,
  brokersFromEnv,
  endOffsets,
  postEvents,
  readRecordsById,
  recordsBetween,
  startProducer,
  testKafka,
  uniqueId,
  validEvent,
  type RunningProducer,
} from './producer-harness.js';
import { closeAll } from '../support/close-all.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

void describe('POST /v1/events accepts valid events once Kafka has them', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let producer: RunningProducer;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    producer = await startProducer();
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  after(() => closeAll(admin, producer));

  /** Posts `body`, expects 202 for `sent`, and checks each record against the event sent. */
  async function acceptedAndOnKafka(body: unknown, sent: readonly IngestEventInput[]): Promise<string[]> {
    const offsetsBefore = await endOffsets(admin);
    const answer = await postEvents(producer.url, body);
    assert.equal(answer.status, 202, JSON.stringify(answer.body).slice(0, 500));
    const ids = answer.body.ids as string[];
    assert.equal(answer.body.accepted, sent.length);
    assert.equal(ids.length, sent.length);
    // Acknowledged means written: the end offsets already moved when the 202 came back.
    assert.equal(recordsBetween(offsetsBefore, await endOffsets(admin)), sent.length);

    for (const topic of [TOPICS.gatewaySessions, TOPICS.gatewayDbroles]) {
      const expected = sent
        .map((event, index) => ({ event, id: ids[index]! }))
        .filter(({ event }) => (event.type === 'dbroles.job.finished') === (topic === TOPICS.gatewayDbroles));
      if (expected.length === 0) continue;
      const records = await readRecordsById(
        kafka,
        topic,
        offsetsBefore,
        expected.map(({ id }) => id),
      );
      for (const { event, id } of expected) {
        const { message } = records.get(id)!;
        const subject = event.type === 'dbroles.job.finished' ? (event.data as { id: string }).id : (event.data as { sid: string }).sid;
        assert.equal(message.key?.toString(), subject, 'the record key is the sid (job id for dbroles)');
        const header = (name: string) => message.headers?.[name]?.toString();
        assert.equal(header(CE_HEADERS.specversion), '1.0');
        assert.equal(header(CE_HEADERS.id), id);
        assert.equal(header(CE_HEADERS.type), event.type);
        assert.equal(header(CE_HEADERS.subject), subject);
        assert.equal(header(CE_HEADERS.source), event.source ?? 'hookline/producer');
        assert.equal(header(CE_HEADERS.contentType), 'application/json');
        if (event.time !== undefined) assert.equal(header(CE_HEADERS.time), event.time);
        else assert.ok(Date.now() - Date.parse(header(CE_HEADERS.time) ?? '') < 60_000, 'an event without time gets now');
        const decoded = decodeEvent(message);
        assert.equal(decoded.id, id);
        assert.equal(decoded.type, event.type);
        assert.deepEqual(decoded.data, event.data);
      }
    }
    return ids;
  }

  void it('one event: 202 with a UUIDv7 id when the gateway sent none', async () => {
    const event = validEvent('session.close');
    const [id] = await acceptedAndOnKafka(event, [event]);
    assert.match(id!, UUID_V7);
  });

  void it('an array of every event type, each to its topic, keeping a gateway-supplied id, time and source', async () => {
    const gatewayId = uniqueId('gw-event');
    const events = [
      validEvent('session.open', undefined, { id: gatewayId, time: '2025-06-02T14:00:00.123+02:00', source: 'gateway/eu-1' }),
      validEvent('session.close'),
      validEvent('microsoftteams.review.create'),
      validEvent('dbroles.job.finished', uniqueId('job')),
    ];
    const ids = await acceptedAndOnKafka(events, events);
    assert.equal(ids[0], gatewayId);
    assert.equal(new Set(ids).size, 4);
  });

  void it('{"events": [...]} with the events of one session, in order on one partition', async () => {
    const sid = uniqueId('sid');
    const events = [validEvent('session.open', sid), validEvent('session.close', sid)];
    const offsetsBefore = await endOffsets(admin);
    const ids = await acceptedAndOnKafka({ events }, events);
    const records = await readRecordsById(kafka, TOPICS.gatewaySessions, offsetsBefore, ids);
    const [open, close] = ids.map((id) => records.get(id)!);
    assert.equal(open!.partition, close!.partition);
    assert.ok(BigInt(open!.message.offset) < BigInt(close!.message.offset));
  });

  void it('an event carrying a 1 MiB input', async () => {
    const event = validEvent('session.open');
    const input = 'SELECT 1;\n'.repeat(104_857).padEnd(1_048_576, '-');
    const big = { ...event, data: { ...event.data, input, input_size: input.length } } as IngestEventInput;
    await acceptedAndOnKafka(big, [big]);
  });
});
