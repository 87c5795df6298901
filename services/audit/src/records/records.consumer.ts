import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventDecodeError, TOPICS, decodeEvent, hookExecutionRecordCodec, svixPublicationRecordCodec } from '@hookline/contracts';
import { ConsumerRunner, PermanentError, ensureTopics, untilStarted, type KafkaRecord, type RecordConsumerOptions } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { INPUT_TOPICS, KAFKA_CLIENT, STORE_RETRY, TOPIC_SETUP_RETRY_MS } from '../audit.constant.js';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import type { AuditRecord } from './audit-record.js';
import { isRowError } from './database-error.js';
import { RecordStore } from './record-store.service.js';
import { gatewayEventRow, hookExecutionRow, publicationRow } from './record-rows.js';

/**
 * Reads the gateway topics and the result topics and stores each record. The offset of
 * a record is committed (by ConsumerRunner) only after its row is stored; while
 * PostgreSQL is down every store fails and is retried with backoff, holding its key
 * and its partition's commit, so nothing is committed and everything is stored once it
 * is back. A row stored twice (a re-delivery after a rebalance) is kept once.
 */
@Injectable()
export class RecordsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: ConsumerRunner<AuditRecord> | undefined;
  private starting: Promise<void> | undefined;
  private readonly stopped = new AbortController();

  constructor(
    @Inject(KAFKA_CLIENT) private readonly client: Kafka,
    @Inject(APP_CONFIG)
    private readonly config: Pick<AuditConfig, 'KAFKA_GROUP_ID' | 'KAFKA_TOPIC_PARTITIONS' | 'AUDIT_CONSUMER_CONCURRENCY'>,
    private readonly store: RecordStore,
    private readonly metrics: AuditMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RecordsConsumer.name);
  }

  onApplicationBootstrap(): void {
    // Kafka unreachable at start: serve anyway (readiness says so) and keep trying.
    this.starting = this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    // A consumer stopped while it is still joining would carry on joining: let the start finish first.
    await this.starting;
    await this.runner?.stop();
  }

  private async start(): Promise<void> {
    const started = await untilStarted('the records consumer', () => this.startOnce(), {
      signal: this.stopped.signal,
      retryMs: TOPIC_SETUP_RETRY_MS,
      logger: this.logger,
    });
    if (started && this.runner !== undefined) this.logger.info({ topics: INPUT_TOPICS, groupId: this.config.KAFKA_GROUP_ID }, 'consuming');
  }

  private async startOnce(): Promise<void> {
    await ensureTopics(
      this.client,
      INPUT_TOPICS.map((topic) => ({ topic, numPartitions: this.config.KAFKA_TOPIC_PARTITIONS })),
    );
    if (this.stopped.signal.aborted) return;
    this.runner = new ConsumerRunner<AuditRecord>({
      ...this.consumerOptions(),
      client: this.client,
      partitionsConsumedConcurrently: INPUT_TOPICS.length * this.config.KAFKA_TOPIC_PARTITIONS,
    });
    try {
      await this.runner.start();
    } catch (error) {
      await this.runner.stop().catch(() => undefined);
      this.runner = undefined;
      throw error;
    }
  }

  /** What the consumer runs, whichever driver runs it (Kafka here, the in-memory broker in unit tests). */
  consumerOptions(): RecordConsumerOptions<AuditRecord> {
    return {
      groupId: this.config.KAFKA_GROUP_ID,
      topics: INPUT_TOPICS,
      keyConcurrency: this.config.AUDIT_CONSUMER_CONCURRENCY,
      retry: STORE_RETRY,
      decode: (record) => this.decode(record),
      handler: (payload, context) => this.handle(payload, context.record),
      logger: this.logger.logger.child({ context: 'ConsumerRunner' }),
    };
  }

  private decode(record: KafkaRecord): AuditRecord {
    switch (record.topic) {
      case TOPICS.hookExecutions:
        return { kind: 'hook-execution', record: hookExecutionRecordCodec.decode(record.value) };
      case TOPICS.svixPublications:
        return { kind: 'publication', record: svixPublicationRecordCodec.decode(record.value) };
      default:
        try {
          return { kind: 'gateway-event', event: decodeEvent(record) };
        } catch (error) {
          if (!(error instanceof EventDecodeError)) throw error;
          return { kind: 'undecodable-gateway-record', reason: error.message };
        }
    }
  }

  private async handle(record: AuditRecord, source: KafkaRecord): Promise<void> {
    try {
      switch (record.kind) {
        case 'gateway-event':
          await this.store.storeEvent(gatewayEventRow(record.event, source));
          return;
        case 'hook-execution':
          await this.store.storeHookExecution(hookExecutionRow(record.record));
          return;
        case 'publication':
          await this.store.storePublication(publicationRow(record.record));
          return;
        case 'undecodable-gateway-record':
          this.metrics.recordsSkipped.inc({ topic: source.topic, reason: 'undecodable' });
          this.logger.debug(
            { topic: source.topic, partition: source.partition, offset: source.offset, reason: record.reason },
            'gateway record skipped: undecodable',
          );
          return;
      }
    } catch (error) {
      // The row itself is refused (not the database being down): it would fail forever.
      if (isRowError(error)) throw new PermanentError(`the database refused the row: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}
