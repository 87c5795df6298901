// Test helpers for this lib's specs and for tests (@hookline/kafka/testing; never the production index).
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createKafkaClient } from '../client/create-kafka-client.js';
import { silentKafkaLogger } from '../client/kafka-logger.interface.js';

/** Brokers from KAFKA_BROKERS, or undefined (specs then skip with this reason). */
export const brokersFromEnv: string[] | undefined = process.env.KAFKA_BROKERS?.split(',')
  .map((b) => b.trim())
  .filter(Boolean);
export const NO_BROKER_SKIP = 'KAFKA_BROKERS is not set: this spec needs a real Kafka broker';

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testClient(clientId = uniqueName('test')): Kafka {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  return createKafkaClient({ brokers: brokersFromEnv, clientId, logger: silentKafkaLogger, logLevel: 'nothing' });
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails
 * after `timeoutMs` with what it was waiting for and the last error the probe threw.
 * For eventual outcomes; never a sleep standing in for an assertion.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)})`;
      throw new Error(`pollUntil: timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}

/** Reads `count` records of `topic` from the beginning with a throwaway group. */
export async function readRecords(client: Kafka, topic: string, count: number, timeoutMs = 20_000): Promise<ReadMessage[]> {
  const consumer = client.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 250 });
  const seen: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        seen.push({ partition, message });
        return Promise.resolve();
      },
    });
    await pollUntil(() => seen.length >= count, { timeoutMs, what: `${count} records on ${topic} (have ${seen.length})` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** The group's committed offset of `topic` partition `partition` ('-1' when none). */
export async function committedOffset(client: Kafka, groupId: string, topic: string, partition = 0): Promise<string> {
  const admin = client.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
  } finally {
    await admin.disconnect();
  }
}
