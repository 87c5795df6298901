// Kafka stops: POST /v1/events answers 503 with Retry-After within KAFKA_SEND_TIMEOUT_MS
// (never hangs) and /health/ready says so; Kafka is back: events are accepted again.
// Uses a broker of its own, so stopping it disturbs no other test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { LocalKafkaBroker } from '@hookline/kafka-broker';
import { pollUntil } from '@hookline/kafka/testing';
import { ApiException, Svix } from 'svix';
import { sessionClosePayload } from '../fixtures/hoop/hoop-payloads.js';
import { TEST_TOKEN, postEvents, startProducer, validEvent, type RunningProducer } from './producer-harness.js';
import { closeAll } from '../support/close-all.js';

const SEND_TIMEOUT_MS = 3_000;
const javaMissing = spawnSync('java', ['-version']).status !== 0;

void describe(
  'POST /v1/events while Kafka is down',
  { skip: javaMissing ? 'java is not installed: this test runs a Kafka broker of its own' : false, timeout: 240_000 },
  () => {
    let broker: LocalKafkaBroker;
    let producer: RunningProducer;

    before(async () => {
      broker = await new LocalKafkaBroker({ heapMb: 384 }).start();
      producer = await startProducer({ KAFKA_BROKERS: broker.brokers.join(','), KAFKA_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS) });
    });

    after(() => closeAll(producer, broker));

    void it('answers 503 with Retry-After in time, then accepts again once Kafka is back', async () => {
      assert.equal((await postEvents(producer.url, validEvent('session.open'))).status, 202);

      await broker.pause();
      const down = await postEvents(producer.url, [validEvent('session.close'), validEvent('dbroles.job.finished')]);
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal(down.body.error, 'kafka_unavailable');
      assert.match(down.body.message as string, /retry later with the same event ids/);
      assert.match(down.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      assert.ok(down.ms < SEND_TIMEOUT_MS + 2_000, `503 took ${Math.round(down.ms)} ms`);
      console.log(`# 503 answered in ${Math.round(down.ms)} ms (KAFKA_SEND_TIMEOUT_MS=${SEND_TIMEOUT_MS})`);
      await pollUntil(async () => (await fetch(`${producer.url}/health/ready`)).status === 503, {
        timeoutMs: 10_000,
        what: '/health/ready to report Kafka down',
      });

      // The Svix door (hoop's webhooks plugin) gets Svix's 5xx with Retry-After; neither its
      // idempotency-key nor its eventId is kept, so the same call succeeds once Kafka is back.
      const svix = new Svix(TEST_TOKEN, { serverUrl: producer.url, retryScheduleInMs: [] });
      const hoopMessage = { eventType: 'session.close', eventId: crypto.randomUUID(), payload: sessionClosePayload(crypto.randomUUID()) };
      const orgId = crypto.randomUUID();
      const doorDown = await svix.message.create(orgId, hoopMessage, { idempotencyKey: 'door-retry' }).then(
        () => assert.fail('accepted while Kafka is down'),
        (error: unknown) => error,
      );
      assert.ok(doorDown instanceof ApiException && doorDown.code === 503, String(doorDown));
      assert.equal((JSON.parse(doorDown.body as string) as { code: string }).code, 'kafka_unavailable');
      assert.match(doorDown.headers['retry-after'] ?? '', /^[1-9][0-9]*$/);

      await broker.resume();
      const resumed = Date.now();
      const back = await pollUntil(
        async () => {
          const answer = await postEvents(producer.url, validEvent('session.close'));
          assert.ok(answer.ms < SEND_TIMEOUT_MS + 2_000, `an answer took ${Math.round(answer.ms)} ms`);
          return answer.status === 202 && answer;
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'POST /v1/events to be accepted after the broker resumed' },
      );
      assert.equal(back.body.accepted, 1);
      assert.equal(
        (await svix.message.create(orgId, hoopMessage, { idempotencyKey: 'door-retry' })).eventId,
        hoopMessage.eventId,
        'the door takes the retried message',
      );
      console.log(`# accepted again ${Date.now() - resumed} ms after the broker resumed`);
      await pollUntil(async () => (await fetch(`${producer.url}/health/ready`)).status === 200, {
        timeoutMs: 30_000,
        what: '/health/ready to report Kafka up',
      });
    });
  },
);
