import { performance } from 'node:perf_hooks';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { resolveKafkaClient, type KafkaClientInput } from '../client/kafka-client-input.js';
import type { KafkaLogger } from '../client/kafka-logger.interface.js';
import { CONSUMER_DEFAULTS } from '../kafka.constant.js';
import { EventProducer } from '../producer/event-producer.js';
import type { RecordSender } from '../producer/record-sender.interface.js';
import { toKafkaRecord, type KafkaRecord } from '../record/kafka-record.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { defaultClassify, errorMessage, type ErrorClass } from './error-classifier.js';
import { KeyChains } from './key-chains.js';
import { KeyConcurrencyLimiter } from './key-concurrency.limiter.js';
import { OffsetTracker } from './offset-tracker.js';
import { RecordProcessor, type ConsumerObserver, type RecordHandler } from './record-processor.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';

/** What a service gives a consumer: the same under the kafkajs runner and the in-memory broker. */
export interface RecordConsumerOptions<T = KafkaRecord> {
  groupId: string;
  topics: readonly string[];
  handler: RecordHandler<T>;
  /** Turns a record into the handler's payload; throwing dead-letters the record. */
  decode?: (record: KafkaRecord) => T | Promise<T>;
  /** Handlers running at once, each on a different key. Default 16. */
  keyConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  classify?: (error: unknown) => ErrorClass;
  /** Dead-letter permanent failures to `<topic>.dlq` (default). When false they are logged and skipped. */
  dlq?: boolean;
  /** Where dead letters go; one producer is created from the client when absent. */
  deadLetterProducer?: RecordSender;
  logger?: KafkaLogger;
  observer?: ConsumerObserver;
}

/** A running consumer, as services hold it. */
export interface RecordConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Handlers running now. */
  readonly handlersInFlight: number;
}

export interface ConsumerRunnerOptions<T = KafkaRecord> extends RecordConsumerOptions<T> {
  client: KafkaClientInput;
  /** Partitions worked on at once (kafkajs partitionsConsumedConcurrently). Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Where a group with no committed offset starts. Default true: events produced before the group existed are not skipped. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for data; also how long stop() may wait for a fetch in progress. */
  maxWaitTimeMs?: number;
  /** Most bytes one fetch returns (kafkajs maxBytes; its default 10 MB when unset). */
  maxBytes?: number;
  /** Most bytes one fetch returns per partition (kafkajs maxBytesPerPartition; its default 1 MB when unset). */
  maxBytesPerPartition?: number;
  /**
   * Records of one partition fetched and not yet done before the partition is paused (resumed
   * at half). Default 1000. A resumed partition is fetched with the next fetch only, and a fetch
   * of partitions that have nothing new waits up to `maxWaitTimeMs` on the broker: keep half of
   * this above what the handlers work off in that time, or lower `maxWaitTimeMs`.
   */
  maxBufferedPerPartition?: number;
  heartbeatIntervalMs?: number;
  /** Contiguous progress is committed at least this often. */
  commitIntervalMs?: number;
  /** `stop()` waits this long for in-flight handlers before abandoning them (uncommitted). */
  shutdownTimeoutMs?: number;
}

/** One partition's records in this generation of the group: what is fetched, what is done, what may be committed. */
class PartitionWork {
  /** Aborted when the partition may have moved (rebalance) or the runner gives up on it (stop). */
  readonly abandon = new AbortController();
  readonly tracker = new OffsetTracker();
  lastCommitted: string | undefined;
  lastCommitAt = 0;
  paused = false;
  /** Aborted with `abandon` or the runner's drain: a record not started by then is the next owner's. One per partition, not per record. */
  readonly startable: AbortSignal;
  readonly heartbeat = (): Promise<void> => this.payload.heartbeat();

  constructor(
    readonly topic: string,
    readonly partition: number,
    public payload: EachBatchPayload,
    drain: AbortSignal,
  ) {
    this.startable = AbortSignal.any([this.abandon.signal, drain]);
  }

  owned(): boolean {
    return !this.abandon.signal.aborted && this.payload.isRunning() && !this.payload.isStale();
  }
}

/**
 * The consumer hookline's services need and NestJS's Kafka transport lacks
 * (nestjs/nest#14664, #9455): per-key order with bounded concurrency and no head-of-line
 * wait across keys, commit only after the work (highest contiguous done offset + 1),
 * retries with backoff for transient errors holding the key and the commit, dead letters
 * for permanent ones, graceful stop. Each record goes through the RecordProcessor.
 *
 * kafkajs runs one fetch loop per broker and fetches again only when every batch of the
 * last fetch has been handled; so a batch's records are scheduled (each key chained behind
 * its previous record, across batches) and eachBatch returns at once: the next fetch
 * starts immediately, and kafkajs heartbeats from its loop however long a handler runs.
 * A partition with too many records in flight is paused until it drains. On a rebalance
 * the old generation's work is abandoned uncommitted and its handlers' signals abort; a
 * key's chain is global, so a re-delivered record never runs beside an older handler of
 * its key in this process. A handler must stop promptly when its signal aborts (its record
 * goes to the partition's new owner); one that ignores it may overlap with that owner's.
 */
export class ConsumerRunner<T = KafkaRecord> implements RecordConsumer {
  private readonly client: Kafka;
  private readonly consumerRef: Consumer;
  private readonly processor: RecordProcessor<T>;
  private readonly ownedDeadLetterProducer: EventProducer | undefined;
  private readonly maxBuffered: number;
  private readonly commitIntervalMs: number;
  private readonly works = new Map<string, PartitionWork>();
  private readonly chains = new KeyChains();
  private commitTimer: NodeJS.Timeout | undefined;
  private commitChain: Promise<void> = Promise.resolve();
  /** Aborted by stop(): records not yet started are left for the next owner. */
  private readonly drain = new AbortController();
  private running = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ConsumerRunnerOptions<T>) {
    if (options.topics.length === 0) throw new Error('ConsumerRunner: at least one topic is required');
    this.client = resolveKafkaClient(options.client);
    this.maxBuffered = options.maxBufferedPerPartition ?? CONSUMER_DEFAULTS.maxBufferedPerPartition;
    this.commitIntervalMs = options.commitIntervalMs ?? CONSUMER_DEFAULTS.commitIntervalMs;
    this.consumerRef = this.client.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_DEFAULTS.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? CONSUMER_DEFAULTS.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_DEFAULTS.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? CONSUMER_DEFAULTS.maxWaitTimeMs,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: options.maxBytesPerPartition }),
    });
    let deadLetters: DeadLetterPublisher | undefined;
    if (options.dlq ?? true) {
      if (options.deadLetterProducer === undefined) {
        const owned = new EventProducer({ client: this.client });
        this.ownedDeadLetterProducer = owned;
        deadLetters = new DeadLetterPublisher(owned);
      } else deadLetters = new DeadLetterPublisher(options.deadLetterProducer);
    }
    this.processor = recordProcessorOf(options, deadLetters);
    // A new generation may have moved any partition: the old work must neither commit nor go on.
    this.consumerRef.on(this.consumerRef.events.REBALANCING, () => this.abandonAll());
  }

  /** The kafkajs consumer underneath (for instrumentation events). */
  get consumer(): Consumer {
    return this.consumerRef;
  }

  get handlersInFlight(): number {
    return this.processor.handlersInFlight;
  }

  /** Joins the group and starts consuming; resolves once kafkajs runs. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping !== undefined) throw new Error('ConsumerRunner: cannot start again after stop()');
    this.running = true;
    await this.consumerRef.connect();
    for (const topic of this.options.topics) {
      await this.consumerRef.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    this.commitTimer = setInterval(() => void this.commit([...this.works.values()]), this.commitIntervalMs);
    this.commitTimer.unref();
    await this.consumerRef.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.schedule(payload),
    });
  }

  /** Stops fetching, lets scheduled work finish within `shutdownTimeoutMs`, abandons the rest uncommitted, commits, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.drain.abort();
    try {
      this.consumerRef.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet: nothing to pause.
    }
    const shutdownTimeoutMs = this.options.shutdownTimeoutMs ?? CONSUMER_DEFAULTS.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.chains.settled(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    clearInterval(this.commitTimer);
    await this.commit([...this.works.values()]);
    for (const work of this.works.values()) this.abandon(work);
    await this.consumerRef.disconnect();
    await this.ownedDeadLetterProducer?.disconnect();
  }

  private abandonAll(): void {
    for (const work of this.works.values()) this.abandon(work);
    this.works.clear();
  }

  /** Gives up on a partition's work uncommitted; a paused partition is resumed, or it would never be fetched again. */
  private abandon(work: PartitionWork): void {
    work.abandon.abort();
    if (work.paused) this.resume(work);
  }

  private workFor(payload: EachBatchPayload): PartitionWork {
    const { topic, partition } = payload.batch;
    const id = `${topic}\u0000${partition}`;
    let work = this.works.get(id);
    if (work === undefined || work.abandon.signal.aborted || payload.isStale()) {
      if (work !== undefined) this.abandon(work);
      work = new PartitionWork(topic, partition, payload, this.drain.signal);
      this.works.set(id, work);
    }
    work.payload = payload;
    return work;
  }

  private schedule(payload: EachBatchPayload): Promise<void> {
    // While stopping, leave the batch unresolved for the next owner.
    if (!this.running || payload.batch.messages.length === 0) return Promise.resolve();
    const work = this.workFor(payload);
    let last: KafkaMessage | undefined;
    for (const message of payload.batch.messages) {
      last = message;
      const index = work.tracker.add(message.offset);
      if (index < 0) continue;
      const key = message.key ? `${work.topic}\u0000${message.key.toString('latin1')}` : undefined;
      this.chains.run(key, (release) => this.runRecord(work, message, index, release));
    }
    // Fetch on from here: what is scheduled is tracked and committed as it finishes.
    if (last !== undefined) payload.resolveOffset(last.offset);
    if (work.tracker.pending >= this.maxBuffered && !work.paused) {
      work.paused = true;
      this.consumerRef.pause([{ topic: work.topic, partitions: [work.partition] }]);
    }
    return Promise.resolve();
  }

  private async runRecord(work: PartitionWork, message: KafkaMessage, index: number, release: () => void): Promise<void> {
    if (work.startable.aborted) return;
    let progress;
    try {
      progress = await this.processor.process(toKafkaRecord(work.topic, work.partition, message), {
        signal: work.abandon.signal,
        startable: work.startable,
        heartbeat: work.heartbeat,
        release,
      });
    } catch (error) {
      // The processor handles handler errors; this is a bug.
      this.options.logger?.error(
        { topic: work.topic, partition: work.partition, offset: message.offset, err: errorMessage(error) },
        'record processing failed',
      );
      return;
    }
    if (progress === 'halted' || work.abandon.signal.aborted) return;
    work.tracker.markDone(index);
    if (work.paused && work.tracker.pending <= this.maxBuffered / 2) this.resume(work);
    // A partition gone quiet is committed now rather than at the next tick; a busy one at each
    // tick only (a commit per record would cost a broker request each).
    if (work.tracker.allDone && performance.now() - work.lastCommitAt >= this.commitIntervalMs) await this.commit([work]);
  }

  private resume(work: PartitionWork): void {
    work.paused = false;
    try {
      this.consumerRef.resume([{ topic: work.topic, partitions: [work.partition] }]);
    } catch {
      // Consumer stopped.
    }
  }

  /** Commits the contiguous done offsets of `works` that moved, in one request; one commit at a time. */
  private commit(works: readonly PartitionWork[]): Promise<void> {
    const next = this.commitChain.then(async () => {
      const due = works.flatMap((work) => {
        const offset = work.tracker.commitOffset();
        return offset === undefined || offset === work.lastCommitted || !work.owned() ? [] : [{ work, offset }];
      });
      const latest = due.at(-1);
      if (latest === undefined) return;
      const topics = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const { work, offset } of due) topics.set(work.topic, [...(topics.get(work.topic) ?? []), { partition: work.partition, offset }]);
      try {
        // Any current batch's commit serves the whole group generation.
        await latest.work.payload.commitOffsetsIfNecessary({ topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
        const now = performance.now();
        for (const { work, offset } of due) {
          work.lastCommitted = offset;
          work.lastCommitAt = now;
        }
      } catch (error) {
        // Lost the generation (rebalance): the next owner re-processes from the last commit.
        this.options.logger?.warn(
          { partitions: due.map(({ work, offset }) => `${work.topic}:${work.partition}@${offset}`), err: errorMessage(error) },
          'offset commit failed',
        );
        for (const { work } of due) this.abandon(work);
      }
    });
    this.commitChain = next.catch(() => undefined);
    return next;
  }
}

/** The processor a driver runs each record through, from the consumer options every driver shares. */
export function recordProcessorOf<T>(options: RecordConsumerOptions<T>, deadLetters: DeadLetterPublisher | undefined): RecordProcessor<T> {
  return new RecordProcessor<T>({
    handler: options.handler,
    ...(options.decode === undefined ? {} : { decode: options.decode }),
    policy: retryPolicy(options.retry),
    classify: options.classify ?? defaultClassify,
    limiter: new KeyConcurrencyLimiter(options.keyConcurrency ?? CONSUMER_DEFAULTS.keyConcurrency),
    ...(deadLetters === undefined ? {} : { deadLetters }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });
}
