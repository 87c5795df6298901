import { performance } from 'node:perf_hooks';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { compressionTypeOf, type CompressionName } from '../client/compression-type.js';
import type { CompressionTypes } from 'kafkajs';
import { resolveKafkaClient, type KafkaClientInput } from '../client/kafka-client-input.js';
import { Partitioners } from '../client/kafkajs.runtime.js';
import { KafkaUnavailableError } from '../errors/kafka-unavailable.error.js';
import { PRODUCER_DEFAULTS } from '../kafka.constant.js';
import type { ProduceRecord } from '../record/kafka-record.js';
import { isKafkaUnavailable } from './kafka-availability.js';
import type { ProducerObserver, SendOutcome } from './producer-observer.interface.js';
import type { RecordSender } from './record-sender.interface.js';

export interface EventProducerOptions {
  client: KafkaClientInput;
  /** Every `send` settles within this (acked, or KafkaUnavailableError). Default 5000. */
  sendTimeoutMs?: number;
  /** How long a send waits for others to share its produce request. Default 2. */
  lingerMs?: number;
  /** Flush at once when this many records are waiting. Default 1000. */
  maxBatchRecords?: number;
  /** Coalesced batches in flight at once. Default 1. */
  maxInFlightBatches?: number;
  compression?: CompressionName;
  observer?: ProducerObserver;
}

export interface EventProducerStats {
  /** `send()` calls accepted. */
  sends: number;
  /** kafkajs sendBatch calls made (one per coalesced batch). */
  batches: number;
}

interface PendingSend {
  records: readonly ProduceRecord[];
  startedAt: number;
  settled: boolean;
  /** Sent alone after its shared batch was rejected, so one bad record fails only its own caller. */
  isolated: boolean;
  timer: NodeJS.Timeout;
  resolve(): void;
  reject(error: unknown): void;
}

interface ProducerSlot {
  producer: Producer;
  ready: Promise<void>;
  inFlight: Set<Promise<unknown>>;
}

function toMessage(record: ProduceRecord): Message {
  return {
    key: record.key ?? null,
    value: record.value,
    ...(record.headers !== undefined ? { headers: record.headers } : {}),
    ...(record.partition !== undefined ? { partition: record.partition } : {}),
    ...(record.timestamp !== undefined ? { timestamp: record.timestamp } : {}),
  };
}

function toTopicMessages(sends: readonly PendingSend[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const send of sends) {
    for (const record of send.records) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) byTopic.set(record.topic, (messages = []));
      messages.push(toMessage(record));
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Idempotent, acks=all producer. `send` resolves only once Kafka acknowledged every
 * record of the call, and always settles within `sendTimeoutMs`. Concurrent sends made
 * within `lingerMs` share one produce request, so throughput does not depend on one
 * round trip per record.
 *
 * After a failure whose outcome is uncertain (timeout, lost connection) the kafkajs
 * producer is replaced: the new one reconnects and gets a fresh producer id, so its
 * sequence numbers cannot collide with a request the broker may still have written.
 */
export class EventProducer implements RecordSender {
  private readonly client: Kafka;
  private readonly sendTimeoutMs: number;
  private readonly lingerMs: number;
  private readonly maxBatchRecords: number;
  private readonly maxInFlightBatches: number;
  private readonly compression: CompressionTypes;
  private readonly observer: ProducerObserver | undefined;

  private readonly queue: PendingSend[] = [];
  private queuedRecords = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private inFlightBatches = 0;
  private slot: ProducerSlot | undefined;
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;
  private readonly counters: EventProducerStats = { sends: 0, batches: 0 };

  constructor(options: EventProducerOptions) {
    this.client = resolveKafkaClient(options.client);
    this.sendTimeoutMs = options.sendTimeoutMs ?? PRODUCER_DEFAULTS.sendTimeoutMs;
    this.lingerMs = options.lingerMs ?? PRODUCER_DEFAULTS.lingerMs;
    this.maxBatchRecords = options.maxBatchRecords ?? PRODUCER_DEFAULTS.maxBatchRecords;
    this.maxInFlightBatches = options.maxInFlightBatches ?? PRODUCER_DEFAULTS.maxInFlightBatches;
    this.compression = compressionTypeOf(options.compression ?? 'none');
    this.observer = options.observer;
  }

  get stats(): Readonly<EventProducerStats> {
    return { ...this.counters };
  }

  /** Connects ahead of the first send; rejects with KafkaUnavailableError within `sendTimeoutMs`. */
  async connect(): Promise<void> {
    const slot = this.currentSlot();
    try {
      await this.withDeadline(slot.ready, 'connect to Kafka');
    } catch (error) {
      this.retire(slot);
      throw error instanceof KafkaUnavailableError ? error : new KafkaUnavailableError('Kafka is unavailable', { cause: error });
    }
  }

  /** Resolves when Kafka acknowledged every record (acks=all); rejects with KafkaUnavailableError when it cannot tell in time. */
  send(records: ProduceRecord | readonly ProduceRecord[]): Promise<void> {
    const list: readonly ProduceRecord[] = Array.isArray(records) ? records : [records as ProduceRecord];
    if (this.closed) return Promise.reject(new Error('EventProducer is disconnected'));
    if (list.length === 0) return Promise.resolve();
    for (const record of list) {
      if (!record.topic) return Promise.reject(new TypeError('EventProducer.send: every record needs a topic'));
    }
    this.counters.sends += 1;
    return new Promise<void>((resolve, reject) => {
      const pending: PendingSend = {
        records: list,
        startedAt: performance.now(),
        settled: false,
        isolated: false,
        timer: setTimeout(() => this.expire(pending), this.sendTimeoutMs),
        resolve,
        reject,
      };
      this.queue.push(pending);
      this.queuedRecords += list.length;
      this.schedule();
    });
  }

  /** Waits for queued and in-flight sends to settle (each is bounded), then disconnects. */
  async disconnect(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlightBatches > 0) {
      this.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.slot !== undefined) this.retire(this.slot);
    await Promise.allSettled([...this.retiring]);
  }

  private schedule(): void {
    if (this.queuedRecords >= this.maxBatchRecords) {
      this.flush();
    } else if (this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(() => this.flush(), this.lingerMs);
    }
  }

  /**
   * After a batch: the queue goes at once if its oldest send has waited `lingerMs` (or the
   * queue is full), else when it has. Linger counts from the oldest waiting send, as
   * Kafka's linger.ms does, so a fast round trip still gathers company for up to
   * `lingerMs`, and no send waits longer than a round trip plus `lingerMs`.
   */
  private scheduleQueued(): void {
    const oldest = this.queue.find((send) => !send.settled);
    const waitMs = oldest === undefined ? 0 : oldest.startedAt + this.lingerMs - performance.now();
    if (waitMs <= 0 || this.queuedRecords >= this.maxBatchRecords) {
      this.flush();
    } else if (this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(() => this.flush(), waitMs);
    }
  }

  private flush(): void {
    if (this.lingerTimer !== undefined) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    while (this.queue.length > 0 && this.inFlightBatches < this.maxInFlightBatches) {
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      this.inFlightBatches += 1;
      void this.sendBatch(batch).finally(() => {
        this.inFlightBatches -= 1;
        if (this.queue.length > 0) this.scheduleQueued();
      });
    }
  }

  private takeBatch(): PendingSend[] {
    const batch: PendingSend[] = [];
    let records = 0;
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      const first = batch[0];
      if (first !== undefined && (next.isolated || first.isolated || records + next.records.length > this.maxBatchRecords)) break;
      this.queue.shift();
      this.queuedRecords -= next.records.length;
      if (next.settled) continue;
      batch.push(next);
      records += next.records.length;
    }
    return batch;
  }

  private async sendBatch(batch: PendingSend[]): Promise<void> {
    const slot = this.currentSlot();
    const records = batch.reduce((n, s) => n + s.records.length, 0);
    const started = performance.now();
    this.counters.batches += 1;
    const attempt = (async () => {
      await slot.ready;
      await slot.producer.sendBatch({
        topicMessages: toTopicMessages(batch),
        acks: -1,
        timeout: this.sendTimeoutMs,
        compression: this.compression,
      });
    })();
    slot.inFlight.add(attempt);
    void attempt.catch(() => undefined).finally(() => slot.inFlight.delete(attempt));
    try {
      await this.withDeadline(attempt, `acknowledge ${records} record(s)`);
      this.observe(() => this.observer?.batchSettled?.({ records, sends: batch.length, seconds: (performance.now() - started) / 1000, ok: true }));
      for (const send of batch) this.settle(send, 'acked');
    } catch (error) {
      this.observe(() => this.observer?.batchSettled?.({ records, sends: batch.length, seconds: (performance.now() - started) / 1000, ok: false }));
      if (isKafkaUnavailable(error)) {
        this.retire(slot);
        const unavailable =
          error instanceof KafkaUnavailableError ? error : new KafkaUnavailableError(`Kafka is unavailable: ${(error as Error).message}`, { cause: error });
        for (const send of batch) this.settle(send, 'unavailable', unavailable);
      } else if (batch.length > 1) {
        // Kafka rejected the shared request for good: find whose record it was by
        // sending each caller's records on its own, ahead of everything queued.
        for (const send of batch) send.isolated = true;
        this.queue.unshift(...batch);
        this.queuedRecords += records;
      } else {
        for (const send of batch) this.settle(send, 'failed', error);
      }
    }
  }

  private withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaUnavailableError(`Kafka did not ${what} within ${this.sendTimeoutMs} ms`)), this.sendTimeoutMs);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }

  private expire(send: PendingSend): void {
    this.settle(send, 'unavailable', new KafkaUnavailableError(`Kafka did not acknowledge within ${this.sendTimeoutMs} ms`));
  }

  private settle(send: PendingSend, outcome: SendOutcome, error?: unknown): void {
    if (send.settled) return;
    send.settled = true;
    clearTimeout(send.timer);
    this.observe(() => this.observer?.sendSettled?.({ records: send.records.length, seconds: (performance.now() - send.startedAt) / 1000, outcome }));
    if (outcome === 'acked') send.resolve();
    else send.reject(error);
  }

  private observe(call: () => void): void {
    try {
      call();
    } catch {
      // Metrics must never break producing.
    }
  }

  private currentSlot(): ProducerSlot {
    if (this.slot !== undefined) return this.slot;
    const producer = this.client.producer({
      idempotent: true,
      maxInFlightRequests: PRODUCER_DEFAULTS.maxInFlightRequests,
      // Java's murmur2 partitioner: the same key lands on the same partition whichever client produced it.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { ...PRODUCER_DEFAULTS.retry },
    });
    const ready = producer.connect();
    // A failed connect is reported through send/connect; this only keeps it from being unhandled.
    ready.catch(() => undefined);
    const slot: ProducerSlot = { producer, ready, inFlight: new Set() };
    this.slot = slot;
    return slot;
  }

  /**
   * Stops using a producer. It is disconnected only once its connect and sends have
   * settled (kafkajs bounds them with its retries): disconnecting earlier would let a
   * still-retrying request open a connection nobody closes.
   */
  private retire(slot: ProducerSlot): void {
    if (this.slot === slot) this.slot = undefined;
    const done = Promise.allSettled([slot.ready, ...slot.inFlight])
      .then(() => slot.producer.disconnect())
      .catch(() => undefined);
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }
}
