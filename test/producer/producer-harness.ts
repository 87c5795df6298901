// Starts the producer in-process on 127.0.0.1:0 against KAFKA_BROKERS, and the
// helpers its integration tests share: posting, valid events, Kafka end offsets, reading records.
import { randomBytes } from 'node:crypto';

import { GATEWAY_TOPICS, dlqTopic, getEventContract, type EventType, type IngestEventInput } from '@hookline/contracts';
import { createKafkaClient, silentKafkaLogger } from '@hookline/kafka';
import { loadConfig } from '@hookline/observability';
import { createProducerApp, producerSettings, type ProducerAppOptions, type ProducerConfig } from '@hookline/producer';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { firstMetricValue } from '../support/metrics.js';
import { listenOnLoopback, type RunningApp } from '../support/running-app.js';
import { pollUntil } from '@hookline/kafka/testing';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'second-token-9876543210zyx';
export const NO_BROKER_SKIP = 'KAFKA_BROKERS is not set: the producer integration tests need a real Kafka broker';
export const brokersFromEnv: string | undefined = process.env.KAFKA_BROKERS?.trim() || undefined;

/** The topics a request could write to: the gateway topics and their dead-letter topics. */
export const WATCHED_TOPICS: readonly string[] = GATEWAY_TOPICS.flatMap((topic) => [topic, dlqTopic(topic)]);

export type RunningProducer = RunningApp<ProducerConfig>;

export async function startProducer(env: Record<string, string> = {}, options: ProducerAppOptions = {}): Promise<RunningProducer> {
  const config = loadConfig(producerSettings, {
    KAFKA_BROKERS: brokersFromEnv ?? '',
    INGEST_TOKENS: `${TEST_TOKEN},${OTHER_TOKEN}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  return listenOnLoopback(await createProducerApp(config, options), config);
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

export interface PostOptions {
  /** undefined: the test token; null: no Authorization header. */
  readonly token?: string | null;
  readonly authorization?: string;
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
  /** Default /v1/events. */
  readonly path?: string;
}

/** POSTs to /v1/events (or options.path); an object body is sent as JSON, a string or stream as it is. */
export async function postEvents(url: string, body: unknown, options: PostOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (token !== null) headers.authorization = `Bearer ${token}`;
  const isStream = body instanceof ReadableStream;
  const payload = typeof body === 'string' || isStream ? body : JSON.stringify(body);
  const started = performance.now();
  const response = await fetch(`${url}${options.path ?? '/v1/events'}`, {
    method: 'POST',
    headers,
    body: payload as RequestInit['body'],
    ...(isStream ? { duplex: 'half' } : {}),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`the answer (${response.status}) is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: parsed, ms };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A valid event of `type` from its contract's example, for a session (or job) of its own. */
export function validEvent(type: EventType, subject: string = uniqueId('sid'), extra: Partial<IngestEventInput> = {}): IngestEventInput {
  const example = structuredClone(getEventContract(type).example) as Record<string, unknown>;
  const keyField = getEventContract(type).keyField;
  return { type, data: { ...example, [keyField]: subject } as IngestEventInput['data'], ...extra };
}

export function testKafka(): Kafka {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  return createKafkaClient({ brokers: brokersFromEnv, clientId: uniqueId('producer-test'), logger: silentKafkaLogger, logLevel: 'nothing' });
}

/**
 * `topic:partition` -> end offset (high watermark) of every watched topic. Asked again while
 * the broker answers with a retriable error (a just-created topic whose leaders are not
 * elected yet answers NOT_LEADER_FOR_PARTITION); any other error is thrown at once.
 */
export async function endOffsets(admin: Admin, topics: readonly string[] = WATCHED_TOPICS): Promise<Map<string, number>> {
  const answer = await pollUntil(
    async (): Promise<{ offsets: Map<string, number> } | { error: unknown }> => {
      const offsets = new Map<string, number>();
      try {
        for (const topic of topics) {
          for (const partition of await admin.fetchTopicOffsets(topic)) offsets.set(`${topic}:${partition.partition}`, Number(partition.high));
        }
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable === true) throw error;
        return { error };
      }
      return { offsets };
    },
    { timeoutMs: 30_000, what: `end offsets of ${topics.join(', ')}` },
  );
  if ('error' in answer) throw answer.error;
  return answer.offsets;
}

export function recordsBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [key, high] of after) total += high - (before.get(key) ?? 0);
  return total;
}

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Reads `topic` from the offsets in `from` with a throw-away group until a record of
 * every id in `ids` (ce_id header) was seen.
 */
export async function readRecordsById(
  client: Kafka,
  topic: string,
  from: ReadonlyMap<string, number>,
  ids: readonly string[],
  timeoutMs = 30_000,
): Promise<Map<string, ReadRecord>> {
  const wanted = new Set(ids);
  const found = new Map<string, ReadRecord>();
  const consumer = client.consumer({ groupId: uniqueId('producer-test-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id !== undefined && wanted.has(id)) found.set(id, { topic, partition, message });
        return Promise.resolve();
      },
    });
    // run() resolves before the group is joined when the coordinator is not ready yet (a
    // just-started broker): seek throws until it is, so it is tried again until then.
    await pollUntil(
      () => {
        for (const [key, offset] of from) {
          const [name, partition] = key.split(':');
          if (name === topic) consumer.seek({ topic, partition: Number(partition), offset: String(offset) });
        }
        return true;
      },
      { timeoutMs, what: `the reader group on ${topic} to be joined` },
    );
    await pollUntil(() => found.size === wanted.size, { timeoutMs, what: `${wanted.size} record(s) on ${topic} (found ${found.size})` });
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/** The value of one series on /metrics (0 when absent). Labels are matched as given, in any order. */
export async function metricValue(url: string, name: string, labels: Record<string, string>): Promise<number> {
  return (await firstMetricValue(url, name, labels)) ?? 0;
}
