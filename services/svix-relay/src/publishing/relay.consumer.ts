import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decodeEvent, dlqTopic, type GatewayEvent } from '@hookline/contracts';
import { ConsumerRunner, EventProducer, ensureTopics, untilStarted, type KafkaRecord } from '@hookline/kafka';
import { APP_CONFIG, HealthRegistry } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { keySlotsAdvice, type RelayConfig } from '../config/relay.settings.js';
import { KAFKA_CLIENT } from '../kafka/kafka.constant.js';
import {
  CONSUMED_TOPICS,
  PUBLICATIONS_TOPIC,
  RELAY_FETCH_MAX_BYTES,
  RELAY_FETCH_MAX_BYTES_PER_PARTITION,
  RELAY_FETCH_MAX_WAIT_MS,
  RELAY_MAX_BUFFERED_PER_PARTITION,
} from '../relay.constant.js';
import { EventTypeSync } from '../svix/event-type-sync.service.js';
import { SvixClient } from '../svix/svix-client.service.js';
import { describeSvixFailure } from '../svix/svix-failure.js';
import { RelayService } from './relay.service.js';

/** Pause between tries of the start-up steps (topics, event types) while Kafka or Svix is down. */
const SETUP_RETRY_MS = 2_000;

type ConsumerState = 'off' | 'starting' | 'running' | 'stopped';

/**
 * The relay's Kafka side: its own consumer group on the gateway topics, through the
 * lib's ConsumerRunner (per-session order, commit after the publication is
 * recorded, transient failures retried with backoff + jitter holding the session and the
 * partition's commit, permanent ones dead-lettered), which fetches on while events are in
 * flight instead of waiting for each fetch's slowest session. On a rebalance the old
 * generation's events are given up (their signal aborts) and re-delivered to the new
 * owner; an overlap is harmless, as the same idempotency key makes the same Svix message.
 * Without SVIX_AUTH_TOKEN it says publishing is off and consumes nothing, so events wait in Kafka.
 */
@Injectable()
export class RelayConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: ConsumerRunner<GatewayEvent> | undefined;
  private state: ConsumerState = 'off';
  private startup: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(KAFKA_CLIENT) private readonly client: Kafka,
    @Inject(APP_CONFIG) private readonly config: RelayConfig,
    private readonly producer: EventProducer,
    private readonly svix: SvixClient,
    private readonly eventTypes: EventTypeSync,
    private readonly relay: RelayService,
    private readonly logger: PinoLogger,
    health: HealthRegistry,
  ) {
    this.logger.setContext(RelayConsumer.name);
    health.register('consumer', () =>
      Promise.resolve({ up: this.state === 'running' || this.state === 'off', detail: { state: this.state, publishing: this.svix.enabled } }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.svix.enabled) {
      this.logger.warn(
        'SVIX_AUTH_TOKEN is not set: publishing to Svix is OFF and the relay consumes nothing; events wait in Kafka until a token is configured',
      );
      return;
    }
    const advice = keySlotsAdvice(this.config);
    if (advice !== undefined) this.logger.warn(advice);
    this.state = 'starting';
    // Started in the background: the API and health answer while Kafka or Svix is still unreachable.
    this.startup = this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.startup;
    await this.runner?.stop();
    // Last: the runner's in-flight handlers and dead letters needed the producer until now.
    await this.producer.disconnect();
    this.state = 'stopped';
  }

  private async start(): Promise<void> {
    await this.untilDone('Kafka topics', async () => {
      const admin = this.client.admin();
      await admin.connect();
      try {
        await ensureTopics(
          admin,
          [...CONSUMED_TOPICS, PUBLICATIONS_TOPIC].map((topic) => ({ topic, numPartitions: this.config.KAFKA_TOPIC_PARTITIONS })),
        );
      } finally {
        await admin.disconnect();
      }
    });
    await this.untilDone('Svix event types', async () => {
      const names = await this.eventTypes.sync();
      this.logger.info({ eventTypes: names }, 'Svix event types created or updated from the contracts');
    });
    if (this.stopping.signal.aborted) return;
    this.runner = new ConsumerRunner<GatewayEvent>({
      client: this.client,
      groupId: this.config.KAFKA_GROUP_ID,
      topics: CONSUMED_TOPICS,
      decode: (record: KafkaRecord) => decodeEvent(record),
      handler: async (event, context) => {
        await this.relay.relay(event, context.record.key?.toString('utf8') ?? event.subject, context.signal, context.settleAfter);
      },
      keyConcurrency: this.config.RELAY_KEY_CONCURRENCY,
      maxBytes: RELAY_FETCH_MAX_BYTES,
      maxBytesPerPartition: RELAY_FETCH_MAX_BYTES_PER_PARTITION,
      maxBufferedPerPartition: RELAY_MAX_BUFFERED_PER_PARTITION,
      maxWaitTimeMs: RELAY_FETCH_MAX_WAIT_MS,
      // Every partition's batch scheduled as it arrives (each returns at once), so none waits behind another's.
      partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS,
      retry: { initialDelayMs: this.config.SVIX_RETRY_INITIAL_MS, maxDelayMs: this.config.SVIX_RETRY_MAX_MS, factor: 2, jitter: 0.5 },
      deadLetterProducer: this.producer,
      logger: this.logger.logger.child({ context: 'ConsumerRunner' }),
    });
    await this.runner.start();
    this.state = 'running';
    this.logger.info(
      { groupId: this.config.KAFKA_GROUP_ID, topics: CONSUMED_TOPICS, deadLetters: CONSUMED_TOPICS.map((topic) => dlqTopic(topic)) },
      'publishing to Svix',
    );
  }

  /** Runs a start-up step until it succeeds or the service stops. */
  private untilDone(what: string, step: () => Promise<void>): Promise<boolean> {
    return untilStarted(what, step, {
      signal: this.stopping.signal,
      retryMs: SETUP_RETRY_MS,
      logger: this.logger,
      describeError: (error) => describeSvixFailure(error).message,
    });
  }
}
