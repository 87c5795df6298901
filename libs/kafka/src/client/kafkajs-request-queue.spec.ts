// kafkajs 2.2.4's request queue, as patches/kafkajs+2.2.4.patch leaves it (applied by
// patch-package at install): an idle connection sets no timers, where unpatched it re-armed a
// 1 ms timer (a negative delay, Node's TimeoutNegativeWarning) ~900 times a second for as
// long as it lived (kafkajs#1556, #1704); and a request held back by throttling still goes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { brokersFromEnv, NO_BROKER_SKIP, pollUntil, testClient, uniqueName } from '../testing/kafka-test-env.js';

interface PushedRequest {
  entry: { correlationId: number; apiKey: number; apiName: string; apiVersion: number; resolve(value: unknown): void; reject(error: unknown): void };
  expectResponse: boolean;
  sendRequest(): void;
}

interface RequestQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  push(request: PushedRequest): void;
  throttledUntil: number;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

// kafkajs has no exports map: its internals load by path (CommonJS).
const RequestQueueClass = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: Record<string, unknown>) => RequestQueue;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const queues: RequestQueue[] = [];

function newQueue(): RequestQueue {
  const queue = new RequestQueueClass({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:1',
    logger: quiet,
  });
  queues.push(queue);
  return queue;
}

/** Ends a queue's timers (unpatched, its check would re-arm forever and keep this file running). */
function stop(queue: RequestQueue): void {
  clearTimeout(queue.throttleCheckTimeoutId ?? undefined);
  queue.throttleCheckTimeoutId = null;
  queue.destroy();
}

function request(correlationId: number, onSend: () => void): PushedRequest {
  const noop = (): void => undefined;
  return { entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 3, resolve: noop, reject: noop }, expectResponse: false, sendRequest: onSend };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the timers kafkajs' code sets (by the stack) and the TimeoutNegativeWarnings while `during` runs. */
async function timersSetBy(during: () => Promise<void>): Promise<{ kafkajsTimers: number; negative: number; warnings: number }> {
  const original = globalThis.setTimeout;
  let kafkajsTimers = 0;
  let negative = 0;
  let warnings = 0;
  const onWarning = (warning: Error): void => {
    if (warning.name === 'TimeoutNegativeWarning') warnings += 1;
  };
  process.on('warning', onWarning);
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (new Error().stack?.includes('/kafkajs/src/network/requestQueue/') === true) kafkajsTimers += 1;
    if (ms !== undefined && ms < 0) negative += 1;
    return original(callback, ms, ...args);
  }) as typeof setTimeout;
  try {
    await during();
  } finally {
    globalThis.setTimeout = original;
  }
  await sleep(10); // warnings are emitted on the next tick
  process.off('warning', onWarning);
  return { kafkajsTimers, negative, warnings };
}

void describe('kafkajs request queue (patched)', () => {
  after(() => queues.forEach(stop));

  void it('sets no timer while nothing waits', () => {
    const queue = newQueue();
    queue.checkPendingRequests(); // what every answer from the broker runs
    assert.equal(queue.throttleCheckTimeoutId, null);
    let sent = 0;
    queue.push(request(1, () => (sent += 1)));
    assert.equal(sent, 1, 'sent at once when not throttled');
    assert.equal(queue.throttleCheckTimeoutId, null);
  });

  void it('sends requests held back by throttling once the throttle ends', async () => {
    const queue = newQueue();
    queue.maybeThrottle(300);
    let sent = 0;
    queue.push(request(1, () => (sent += 1)));
    queue.push(request(2, () => (sent += 1)));
    assert.equal(sent, 0, 'held while throttled');
    assert.notEqual(queue.throttleCheckTimeoutId, null, 'a check is scheduled for the pending requests');
    await pollUntil(() => sent === 2, { timeoutMs: 3_000, intervalMs: 5, what: 'both requests sent' });
    assert.equal(sent, 2, 'both sent after the throttle');
    assert.equal(queue.pending.length, 0);
    await sleep(30);
    assert.equal(queue.throttleCheckTimeoutId, null, 'and no check is left re-arming itself');
  });

  void it('still schedules a check when the throttle has just ended with requests waiting (kafkajs#1532)', async () => {
    const queue = newQueue();
    queue.maybeThrottle(60_000);
    let sent = 0;
    queue.push(request(1, () => (sent += 1)));
    // The throttle ends before the check that was scheduled for it runs: a new check must be scheduled.
    clearTimeout(queue.throttleCheckTimeoutId ?? undefined);
    queue.throttleCheckTimeoutId = null;
    queue.throttledUntil = Date.now() - 1;
    queue.scheduleCheckPendingRequests();
    assert.notEqual(queue.throttleCheckTimeoutId, null, 'a check is scheduled for the waiting request');
    await pollUntil(() => sent === 1, { timeoutMs: 3_000, intervalMs: 5, what: 'the request sent' });
    assert.equal(sent, 1);
    await sleep(30);
    assert.equal(queue.throttleCheckTimeoutId, null);
  });

  void describe('on a real broker connection', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
    let producer: Producer;
    const topic = uniqueName('request-queue-idle');

    before(async () => {
      const client = testClient();
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      producer = client.producer();
      await producer.connect();
    });

    after(async () => {
      await (producer as Producer | undefined)?.disconnect();
    });

    void it('an idle connection sets no timers and Node warns of no negative one (unpatched: ~900 a second)', async () => {
      await producer.send({ topic, messages: [{ value: 'first' }] });
      const idle = await timersSetBy(() => sleep(1_000));
      assert.deepEqual(idle, { kafkajsTimers: 0, negative: 0, warnings: 0 });
      // Still delivering: 50 sends, one after the other, set none either.
      const busy = await timersSetBy(async () => {
        for (let i = 0; i < 50; i += 1) await producer.send({ topic, messages: [{ value: `m${i}` }] });
      });
      assert.deepEqual(busy, { kafkajsTimers: 0, negative: 0, warnings: 0 });
    });
  });
});
