import type { RecordConsumer, RecordConsumerOptions } from '../consumer/consumer-runner.js';
import { recordProcessorOf } from '../consumer/consumer-runner.js';
import { DeadLetterPublisher } from '../consumer/dead-letter.publisher.js';
import { KeyChains } from '../consumer/key-chains.js';
import { OffsetTracker } from '../consumer/offset-tracker.js';
import type { RecordProcessor } from '../consumer/record-processor.js';
import type { RecordSender } from '../producer/record-sender.interface.js';
import type { KafkaRecord, ProduceRecord, RecordHeaders } from '../record/kafka-record.js';

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function headersOf(headers: ProduceRecord['headers']): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = Array.isArray(value) ? value.map(toBuffer) : toBuffer(value);
  return out;
}

/**
 * Kafka in memory, for handler unit tests: topics of one partition each, producers that
 * append, and consumers that run every record through the same record-processing core as
 * the kafkajs ConsumerRunner (decode, handle, classify, retry with backoff, dead-letter,
 * observe), in per-key order, committing per group. Nothing is shared between brokers.
 */
export class InMemoryBroker {
  private readonly logs = new Map<string, KafkaRecord[]>();
  private readonly committed = new Map<string, string>();
  private readonly consumers = new Set<InMemoryConsumer<unknown>>();
  /** Fails the next sends with this error, once each, when set (a broker outage). */
  failNextSends: unknown[] = [];

  /** A producer appending to this broker's topics. */
  producer(): RecordSender {
    return { send: (records) => this.append(records) };
  }

  /** A consumer of this broker's topics; `start()` it. Dead letters go to `<topic>.dlq` here unless `deadLetterProducer` says otherwise. */
  consumer<T>(options: RecordConsumerOptions<T>): RecordConsumer {
    const deadLetters = (options.dlq ?? true) ? new DeadLetterPublisher(options.deadLetterProducer ?? this.producer()) : undefined;
    return new InMemoryConsumer<T>(this, options, recordProcessorOf(options, deadLetters));
  }

  /** Every record of `topic`, in offset order. */
  records(topic: string): readonly KafkaRecord[] {
    return this.logs.get(topic) ?? [];
  }

  /** The group's committed offset of `topic` (next to read), as Kafka reports it; '-1' when none. */
  committedOffset(groupId: string, topic: string): string {
    return this.committed.get(`${groupId}\u0000${topic}`) ?? '-1';
  }

  /** Resolves once every started consumer has settled every record it took (retries included). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.consumers].filter((c) => c.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((c) => c.settled()));
    }
  }

  /** @internal */
  commit(groupId: string, topic: string, offset: string): void {
    this.committed.set(`${groupId}\u0000${topic}`, offset);
  }

  /** @internal */
  attach(consumer: InMemoryConsumer<unknown>): void {
    this.consumers.add(consumer);
  }

  /** @internal */
  detach(consumer: InMemoryConsumer<unknown>): void {
    this.consumers.delete(consumer);
  }

  private append(records: ProduceRecord | readonly ProduceRecord[]): Promise<void> {
    const failure = this.failNextSends.shift();
    if (failure !== undefined) return Promise.reject(failure instanceof Error ? failure : new Error('send failed', { cause: failure }));
    const touched = new Set<string>();
    for (const record of Array.isArray(records) ? (records as readonly ProduceRecord[]) : [records as ProduceRecord]) {
      const log = this.logs.get(record.topic) ?? [];
      this.logs.set(record.topic, log);
      log.push({
        topic: record.topic,
        partition: 0,
        offset: String(log.length),
        key: record.key === undefined || record.key === null ? null : toBuffer(record.key),
        value: record.value === null ? null : toBuffer(record.value),
        headers: headersOf(record.headers),
        timestamp: record.timestamp ?? String(Date.now()),
      });
      touched.add(record.topic);
    }
    for (const consumer of this.consumers) for (const topic of touched) consumer.poll(topic);
    return Promise.resolve();
  }
}

class InMemoryConsumer<T> implements RecordConsumer {
  private readonly chains = new KeyChains();
  private readonly trackers = new Map<string, OffsetTracker>();
  private readonly next = new Map<string, number>();
  private readonly drain = new AbortController();
  private running = false;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly options: RecordConsumerOptions<T>,
    private readonly processor: RecordProcessor<T>,
  ) {}

  get handlersInFlight(): number {
    return this.processor.handlersInFlight;
  }

  get busy(): boolean {
    return this.chains.size > 0;
  }

  settled(): Promise<void> {
    return this.chains.settled();
  }

  start(): Promise<void> {
    if (this.running || this.drain.signal.aborted) return Promise.resolve();
    this.running = true;
    this.broker.attach(this as InMemoryConsumer<unknown>);
    for (const topic of this.options.topics) this.poll(topic);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.drain.abort();
    await this.chains.settled();
    this.broker.detach(this as InMemoryConsumer<unknown>);
  }

  /** Schedules what `topic` has beyond what this consumer took (from the group's committed offset at first). */
  poll(topic: string): void {
    if (!this.running || !this.options.topics.includes(topic)) return;
    const records = this.broker.records(topic);
    let tracker = this.trackers.get(topic);
    if (tracker === undefined) {
      tracker = new OffsetTracker();
      this.trackers.set(topic, tracker);
      this.next.set(topic, Math.max(0, Number(this.broker.committedOffset(this.options.groupId, topic))));
    }
    for (const record of records.slice(this.next.get(topic) ?? 0)) {
      const index = tracker.add(record.offset);
      const key = record.key === null ? undefined : record.key.toString('latin1');
      this.chains.run(key, (release) => this.runRecord(tracker, record, index, release));
    }
    this.next.set(topic, records.length);
  }

  private async runRecord(tracker: OffsetTracker, record: KafkaRecord, index: number, release: () => void): Promise<void> {
    const progress = await this.processor.process(record, {
      signal: this.drain.signal,
      startable: this.drain.signal,
      heartbeat: () => Promise.resolve(),
      release,
    });
    if (progress === 'halted') return;
    tracker.markDone(index);
    const offset = tracker.commitOffset();
    if (offset !== undefined) this.broker.commit(this.options.groupId, record.topic, offset);
  }
}
