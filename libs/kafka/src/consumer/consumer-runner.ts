import { performance } from 'node:perf_hooks';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { resolveKafkaClient, type KafkaClientInput } from '../client/kafka-client-input.js';
import type { KafkaLogger } from '../client/kafka-logger.interface.js';
import { CONSUMER_DEFAULTS } from '../kafka.constant.js';
import { EventProducer } from '../producer/event-producer.js';
import { toKafkaRecord, type KafkaRecord } from '../record/kafka-record.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { defaultClassify, errorMessage, type ErrorClass } from './error-classifier.js';
import { KeyConcurrencyLimiter } from './key-concurrency.limiter.js';
import { OffsetTracker } from './offset-tracker.js';
import { Pacemaker } from './pacemaker.js';
import { retryDelayMs, retryPolicy, sleep, type RetryPolicy } from './retry-policy.js';

/** What a handler gets besides its payload. */
export interface RecordContext {
  record: KafkaRecord;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the runner abandons this handler (shutdown deadline passed, partition lost). */
  signal: AbortSignal;
  /** Extra heartbeat for handlers that want one; the runner already heartbeats every second. */
  heartbeat: () => Promise<void>;
  /** The kafkajs consumer, for transports that expose it (Nest's KafkaContext). */
  consumer: Consumer;
}

export type RecordOutcome = 'processed' | 'dead-lettered' | 'skipped';

/** Hooks for metrics; the lib does not depend on prom-client. */
export interface ConsumerObserver {
  recordSettled?(event: { topic: string; outcome: RecordOutcome; attempts: number; seconds: number }): void;
  attemptFailed?(event: { topic: string; errorClass: ErrorClass; attempt: number }): void;
}

export interface ConsumerRunnerOptions<T = KafkaRecord> {
  client: KafkaClientInput;
  groupId: string;
  topics: readonly string[];
  handler: (payload: T, context: RecordContext) => Promise<void>;
  /** Turns a record into the handler's payload; throwing dead-letters the record. */
  decode?: (record: KafkaRecord) => T | Promise<T>;
  /** Handlers running at once, each on a different key. Default 16. */
  keyConcurrency?: number;
  /** Partitions worked on at once (kafkajs partitionsConsumedConcurrently). Default 4. */
  partitionsConsumedConcurrently?: number;
  retry?: Partial<RetryPolicy>;
  classify?: (error: unknown) => ErrorClass;
  /** Dead-letter permanent failures to `<topic>.dlq` (default). When false they are logged and skipped. */
  dlq?: boolean;
  /** Where a group with no committed offset starts. Default true: events produced before the group existed are not skipped. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for data; also how long stop() may wait for a fetch in progress. */
  maxWaitTimeMs?: number;
  /** Most bytes one fetch returns (kafkajs maxBytes; its default 10 MB when unset). Decoded, a fetch stays in memory until its batches are done. */
  maxBytes?: number;
  /** Most bytes one fetch returns per partition (kafkajs maxBytesPerPartition; its default 1 MB when unset). */
  maxBytesPerPartition?: number;
  heartbeatIntervalMs?: number;
  pacemakerIntervalMs?: number;
  commitIntervalMs?: number;
  shutdownTimeoutMs?: number;
  /** Producer for dead letters; one is created from the client when absent. */
  deadLetterProducer?: EventProducer;
  logger?: KafkaLogger;
  observer?: ConsumerObserver;
}

type Progress = 'done' | 'halted';

/** One partition's batch being worked on. */
class BatchWork {
  /** Aborted to stop starting records (stop, rebalance, partition lost); backoffs end early. */
  readonly drain = new AbortController();
  /** Aborted when in-flight handlers are given up on; their results no longer count. */
  readonly abandon = new AbortController();
  readonly tracker: OffsetTracker;
  lastCommitted: string | undefined;
  lastCommitAt = performance.now();
  commitChain: Promise<void> = Promise.resolve();

  constructor(
    readonly payload: EachBatchPayload,
    readonly messages: readonly KafkaMessage[],
  ) {
    this.tracker = new OffsetTracker(messages.map((m) => m.offset));
  }

  get topic(): string {
    return this.payload.batch.topic;
  }

  get partition(): number {
    return this.payload.batch.partition;
  }

  /** Still ours to commit: the consumer runs and the partition was neither revoked nor seeked. */
  owned(): boolean {
    return this.payload.isRunning() && !this.payload.isStale();
  }
}

/**
 * The consumer hookline's services need and NestJS's Kafka transport lacks
 * (nestjs/nest#14664, #9455): batches, per-key order with bounded concurrency,
 * commit only after the work (highest contiguous done offset + 1), retries with
 * backoff for transient errors holding the key and the partition, dead letters
 * for permanent ones, heartbeats during long work, graceful stop.
 */
export class ConsumerRunner<T = KafkaRecord> {
  private readonly client: Kafka;
  private readonly consumerRef: Consumer;
  private readonly limiter: KeyConcurrencyLimiter;
  private readonly policy: RetryPolicy;
  private readonly classify: (error: unknown) => ErrorClass;
  private readonly deadLetters: DeadLetterPublisher | undefined;
  private readonly ownsDeadLetterProducer: boolean;
  private readonly deadLetterProducer: EventProducer | undefined;
  private readonly active = new Set<BatchWork>();
  private readonly batchesDone = new Set<Promise<void>>();
  private running = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ConsumerRunnerOptions<T>) {
    if (options.topics.length === 0) throw new Error('ConsumerRunner: at least one topic is required');
    this.client = resolveKafkaClient(options.client);
    this.limiter = new KeyConcurrencyLimiter(options.keyConcurrency ?? CONSUMER_DEFAULTS.keyConcurrency);
    this.policy = retryPolicy(options.retry);
    this.classify = options.classify ?? defaultClassify;
    this.consumerRef = this.client.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_DEFAULTS.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? CONSUMER_DEFAULTS.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_DEFAULTS.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? CONSUMER_DEFAULTS.maxWaitTimeMs,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: options.maxBytesPerPartition }),
    });
    if (options.dlq ?? true) {
      this.ownsDeadLetterProducer = options.deadLetterProducer === undefined;
      this.deadLetterProducer = options.deadLetterProducer ?? new EventProducer({ client: this.client });
      this.deadLetters = new DeadLetterPublisher(this.deadLetterProducer);
    } else {
      this.ownsDeadLetterProducer = false;
    }
  }

  /** The kafkajs consumer underneath (for instrumentation events). */
  get consumer(): Consumer {
    return this.consumerRef;
  }

  /** Handlers currently running. */
  get inFlight(): number {
    return this.limiter.inFlight;
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
    await this.consumerRef.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.track(this.eachBatch(payload)),
    });
  }

  /**
   * Stops fetching, lets in-flight handlers finish within `shutdownTimeoutMs`, abandons
   * the rest without committing them, commits what is done, disconnects.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    try {
      this.consumerRef.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet (stop before start finished): nothing to pause.
    }
    for (const work of this.active) work.drain.abort();
    await Promise.allSettled([...this.batchesDone]);
    await this.consumerRef.disconnect();
    if (this.ownsDeadLetterProducer) await this.deadLetterProducer?.disconnect();
  }

  private track(batch: Promise<void>): Promise<void> {
    this.batchesDone.add(batch);
    void batch.catch(() => undefined).finally(() => this.batchesDone.delete(batch));
    return batch;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    // While stopping kafkajs may still hand out a batch: leave it unresolved for the next owner.
    if (!this.running) return;
    const messages = payload.batch.messages;
    if (messages.length === 0) return;
    const work = new BatchWork(payload, messages);
    this.active.add(work);
    const pacemaker = new Pacemaker(() => payload.heartbeat(), this.options.pacemakerIntervalMs ?? CONSUMER_DEFAULTS.pacemakerIntervalMs, {
      tick: () => {
        if (!work.owned()) this.halt(work, true);
        // Progress behind a slow or retrying record still gets committed.
        else void this.commit(work, false);
      },
      failed: (error) => {
        // Usually a rebalance: finish what is in flight, commit, and let kafkajs rejoin.
        this.options.logger?.debug({ topic: work.topic, partition: work.partition, err: errorMessage(error) }, 'heartbeat failed; draining batch');
        work.drain.abort();
      },
    });
    try {
      const lanes = this.lanesOf(messages);
      const lanesDone = Promise.all(lanes.map((indices) => this.runLane(work, indices)));
      await this.untilDoneOrAbandoned(work, lanesDone);
      await this.commit(work, true);
    } finally {
      pacemaker.stop();
      this.active.delete(work);
    }
  }

  /** Waits for the lanes; once draining starts, waits at most `shutdownTimeoutMs` more, then abandons. */
  private async untilDoneOrAbandoned(work: BatchWork, lanesDone: Promise<unknown>): Promise<void> {
    const shutdownTimeoutMs = this.options.shutdownTimeoutMs ?? CONSUMER_DEFAULTS.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const abandoned = new Promise<void>((resolve) => {
      const startDeadline = (): void => {
        timer = setTimeout(() => {
          work.abandon.abort();
          resolve();
        }, shutdownTimeoutMs);
      };
      if (work.drain.signal.aborted) startDeadline();
      else work.drain.signal.addEventListener('abort', startDeadline, { once: true });
      // Abandoned early (partition lost): no point waiting.
      work.abandon.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([lanesDone, abandoned]);
    } finally {
      clearTimeout(timer);
    }
  }

  private halt(work: BatchWork, abandon: boolean): void {
    work.drain.abort();
    if (abandon) work.abandon.abort();
  }

  /** Groups record indices by key, in offset order. A null key has no order to keep: each is its own lane. */
  private lanesOf(messages: readonly KafkaMessage[]): number[][] {
    const lanes = new Map<string, number[]>();
    const independent: number[][] = [];
    messages.forEach((message, index) => {
      if (message.key === null || message.key === undefined) {
        independent.push([index]);
        return;
      }
      const key = message.key.toString('base64');
      const lane = lanes.get(key);
      if (lane === undefined) lanes.set(key, [index]);
      else lane.push(index);
    });
    return [...lanes.values(), ...independent];
  }

  private async runLane(work: BatchWork, indices: readonly number[]): Promise<void> {
    for (const index of indices) {
      if (work.drain.signal.aborted) return;
      const progress = await this.processRecord(work, index);
      // A halted record blocks the rest of its key: they must not overtake it.
      if (progress === 'halted' || work.abandon.signal.aborted) return;
      const resolved = work.tracker.markDone(index);
      if (resolved !== undefined && work.owned()) {
        work.payload.resolveOffset(resolved);
        await this.commit(work, false);
      }
    }
  }

  private async processRecord(work: BatchWork, index: number): Promise<Progress> {
    const message = work.messages[index]!;
    const record = toKafkaRecord(work.topic, work.partition, message);
    const started = performance.now();
    const settled = (outcome: RecordOutcome, attempts: number): Progress => {
      this.observe(() => this.options.observer?.recordSettled?.({ topic: record.topic, outcome, attempts, seconds: (performance.now() - started) / 1000 }));
      return 'done';
    };

    let payload: T;
    try {
      payload = this.options.decode ? await this.options.decode(record) : (record as unknown as T);
    } catch (error) {
      const dead = await this.deadLetter(work, record, `undecodable record: ${errorMessage(error)}`);
      return dead === 'done' ? settled(this.deadLetters ? 'dead-lettered' : 'skipped', 0) : 'halted';
    }

    for (let attempt = 1; ; attempt += 1) {
      if (!(await this.limiter.acquire(work.drain.signal))) return 'halted';
      let failure: { error: unknown } | undefined;
      try {
        await this.options.handler(payload, {
          record,
          attempt,
          signal: work.abandon.signal,
          heartbeat: () => work.payload.heartbeat(),
          consumer: this.consumerRef,
        });
      } catch (error) {
        failure = { error };
      } finally {
        this.limiter.release();
      }
      if (work.abandon.signal.aborted) return 'halted';
      if (failure === undefined) return settled('processed', attempt);

      const errorClass = this.classify(failure.error);
      this.observe(() => this.options.observer?.attemptFailed?.({ topic: record.topic, errorClass, attempt }));
      const reason = errorMessage(failure.error);
      if (errorClass === 'permanent' || attempt >= this.policy.maxAttempts) {
        const why = errorClass === 'permanent' ? reason : `gave up after ${attempt} attempts: ${reason}`;
        const dead = await this.deadLetter(work, record, why);
        return dead === 'done' ? settled(this.deadLetters ? 'dead-lettered' : 'skipped', attempt) : 'halted';
      }
      const delay = retryDelayMs(this.policy, attempt);
      this.options.logger?.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, attempt, retryInMs: delay, err: reason },
        'transient failure; retrying record',
      );
      if (!(await sleep(delay, work.drain.signal))) return 'halted';
    }
  }

  /** Dead-letters a record, retrying the produce itself with backoff: the record must not be lost. */
  private async deadLetter(work: BatchWork, record: KafkaRecord, reason: string): Promise<Progress> {
    if (this.deadLetters === undefined) {
      this.options.logger?.error({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'permanent failure; record skipped (dlq disabled)');
      return 'done';
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deadLetters.publish(record, reason);
        this.options.logger?.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record dead-lettered');
        return 'done';
      } catch (error) {
        this.options.logger?.error({ topic: record.topic, offset: record.offset, attempt, err: errorMessage(error) }, 'dead-letter produce failed; retrying');
        if (!(await sleep(retryDelayMs(this.policy, attempt), work.drain.signal))) return 'halted';
      }
    }
  }

  /** Commits the contiguous done offset: always when `force`, else at most every `commitIntervalMs`. */
  private commit(work: BatchWork, force: boolean): Promise<void> {
    const next = work.commitChain.then(async () => {
      const offset = work.tracker.commitOffset();
      if (offset === undefined || offset === work.lastCommitted || !work.owned()) return;
      const intervalMs = this.options.commitIntervalMs ?? CONSUMER_DEFAULTS.commitIntervalMs;
      if (!force && performance.now() - work.lastCommitAt < intervalMs) return;
      try {
        await work.payload.commitOffsetsIfNecessary({ topics: [{ topic: work.topic, partitions: [{ partition: work.partition, offset }] }] });
        work.lastCommitted = offset;
        work.lastCommitAt = performance.now();
      } catch (error) {
        // Lost the generation (rebalance): the next owner re-processes from the last commit.
        this.options.logger?.warn({ topic: work.topic, partition: work.partition, offset, err: errorMessage(error) }, 'offset commit failed');
        work.drain.abort();
      }
    });
    work.commitChain = next;
    return next;
  }

  private observe(call: () => void): void {
    try {
      call();
    } catch {
      // Metrics must never break consuming.
    }
  }
}
