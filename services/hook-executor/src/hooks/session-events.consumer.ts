import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decodeEvent, type EncodedResultRecord, type GatewayEvent } from '@hookline/contracts';
import { checkKafka, ConsumerRunner, ensureTopics, EventProducer, untilStarted, type RecordContext } from '@hookline/kafka';
import { APP_CONFIG, HealthRegistry } from '@hookline/observability';
import type { Admin, Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { HookExecutorConfig } from '../config/hook-executor.settings.js';
import {
  CONSUMED_TOPIC,
  KAFKA_CLIENT,
  KAFKA_HEALTH_TIMEOUT_MS,
  RESULT_TOPIC,
  RESULT_TOPIC_MAX_MESSAGE_BYTES,
  TOPIC_SETUP_RETRY_MS,
} from '../kafka/kafka.constant.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import { HookExecutionService } from './hook-execution.service.js';
import { encodeFitted } from './result-record.fit.js';

/** Lowest per-partition backlog before a partition is paused (raw records; typically ~1 KiB each). */
const MIN_BUFFERED_PER_PARTITION = 64;

/** Results kept for a retry of their write; far more than HOOK_CONCURRENCY ever leaves pending. */
const MAX_UNWRITTEN_RESULTS = 10_000;

type ConsumerState = 'waiting for runbooks' | 'starting' | 'consuming' | 'stopped';

/**
 * gateway.sessions.v1 -> hooks -> hookline.hook-executions.v1, with the consumer
 * group of its own. Nothing is consumed before the first runbooks snapshot exists.
 * ConsumerRunner gives per-session order with HOOK_CONCURRENCY sessions at once,
 * commits an offset only after the handler returned, i.e. after the result record was
 * acknowledged by Kafka, and keeps fetching while hooks run, so an event of an idle
 * session starts at once instead of waiting for the slowest hook of the last fetch. Other session event types (reviews) are not hook events and
 * pass without a record.
 */
@Injectable()
export class SessionEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ConsumerRunner<GatewayEvent>;
  private readonly admin: Admin;
  private readonly shutdown = new AbortController();
  private state: ConsumerState = 'waiting for runbooks';
  private starting: Promise<void> | undefined;
  // A run whose record could not be written is not run again on the retry: only the write is.
  private readonly unwritten = new Map<string, EncodedResultRecord>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: HookExecutorConfig,
    @Inject(KAFKA_CLIENT) client: Kafka,
    private readonly producer: EventProducer,
    private readonly executions: HookExecutionService,
    private readonly runbooks: RunbooksService,
    private readonly health: HealthRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SessionEventsConsumer.name);
    this.admin = client.admin();
    this.runner = new ConsumerRunner<GatewayEvent>({
      client,
      groupId: config.KAFKA_GROUP_ID,
      topics: [CONSUMED_TOPIC],
      keyConcurrency: config.HOOK_CONCURRENCY,
      // Events wait in memory only this deep per partition; beyond it the partition is paused.
      maxBufferedPerPartition: Math.max(MIN_BUFFERED_PER_PARTITION, config.HOOK_CONCURRENCY * 4),
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      // Kafka's rule of thumb: heartbeat at most a third of the session timeout.
      heartbeatIntervalMs: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      // A hook run may take HOOK_TIMEOUT_SECONDS; give in-flight runs that long to finish on shutdown.
      shutdownTimeoutMs: config.HOOK_TIMEOUT_SECONDS * 1000 + 5_000,
      decode: (record) => decodeEvent(record),
      handler: (event, context) => this.handle(event, context),
      deadLetterProducer: producer,
      logger: this.logger.logger.child({ context: 'ConsumerRunner' }),
    });
  }

  onApplicationBootstrap(): void {
    this.health.register('kafka', async () => {
      const kafka = await checkKafka(this.admin, KAFKA_HEALTH_TIMEOUT_MS);
      return { up: kafka.up && this.state === 'consuming', detail: { consumer: this.state, ...kafka.detail } };
    });
    this.starting = this.startWhenReady();
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.starting;
    await this.runner.stop();
    this.state = 'stopped';
    await this.producer.disconnect();
    await this.admin.disconnect().catch(() => undefined);
  }

  private async startWhenReady(): Promise<void> {
    await this.ensureTopics();
    if (!(await this.runbooks.whenReady(this.shutdown.signal)) || this.shutdown.signal.aborted) return;
    this.state = 'starting';
    try {
      await this.runner.start();
      this.state = 'consuming';
      this.logger.info({ topic: CONSUMED_TOPIC, group: this.config.KAFKA_GROUP_ID, concurrency: this.config.HOOK_CONCURRENCY }, 'consuming session events');
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'the consumer could not start');
      this.state = 'stopped';
    }
  }

  /** Creates the consumed and result topics if missing; retried until Kafka answers. */
  private async ensureTopics(): Promise<void> {
    const partitions = this.config.KAFKA_TOPIC_PARTITIONS;
    await untilStarted(
      'Kafka topics',
      async () => {
        await this.admin.connect();
        await ensureTopics(this.admin, [
          { topic: CONSUMED_TOPIC, numPartitions: partitions },
          {
            topic: RESULT_TOPIC,
            numPartitions: partitions,
            configs: { 'max.message.bytes': String(RESULT_TOPIC_MAX_MESSAGE_BYTES) },
            withDeadLetterTopic: false,
          },
        ]);
      },
      { signal: this.shutdown.signal, retryMs: TOPIC_SETUP_RETRY_MS, logger: this.logger },
    );
  }

  private async handle(event: GatewayEvent, { record, signal }: RecordContext): Promise<void> {
    if (event.type !== 'session.open' && event.type !== 'session.close') return;
    const position = `${record.topic}:${record.partition}:${record.offset}`;
    let encoded = this.unwritten.get(position);
    if (encoded === undefined) {
      const timestamp = Number(record.timestamp);
      // signal: the record was abandoned (rebalance, shutdown deadline): the hook is killed and
      // the record goes to the partition's next owner, so two runs of a session never overlap.
      const result = await this.executions.execute(event, Number.isFinite(timestamp) && timestamp > 0 ? timestamp : undefined, signal);
      if (signal.aborted) throw new Error('hook run abandoned: the record was given up (rebalance or shutdown)');
      encoded = encodeFitted(result);
      this.unwritten.set(position, encoded);
      // Entries of partitions that moved to another instance are never retried here: keep the map bounded.
      if (this.unwritten.size > MAX_UNWRITTEN_RESULTS) {
        const oldest = this.unwritten.keys().next();
        if (oldest.done !== true) this.unwritten.delete(oldest.value);
      }
    }
    await this.producer.send([encoded]);
    this.unwritten.delete(position);
  }
}
