import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventDecodeError, TOPICS, decodeEvent, hookExecutionRecordCodec, svixPublicationRecordCodec } from '@hookline/contracts';
import { ConsumerRunner, PermanentError, ensureTopics, type KafkaRecord } from '@hookline/kafka';
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
 * PostgreSQL is down every store fails and is retried with backoff, holding its
 * partition, so nothing is committed and everything is stored once it is back.
 */
@Injectable()
export class RecordsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: ConsumerRunner<AuditRecord> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;

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
    this.stopped = true;
    clearTimeout(this.retryTimer);
    // A consumer stopped while it is still joining would carry on joining: let the start finish first.
    await this.starting;
    await this.runner?.stop();
  }

  private async start(): Promise<void> {
    try {
      await ensureTopics(
        this.client,
        INPUT_TOPICS.map((topic) => ({ topic, numPartitions: this.config.KAFKA_TOPIC_PARTITIONS })),
      );
      if (this.stopped) return;
      this.runner = new ConsumerRunner<AuditRecord>({
        client: this.client,
        groupId: this.config.KAFKA_GROUP_ID,
        topics: INPUT_TOPICS,
        keyConcurrency: this.config.AUDIT_CONSUMER_CONCURRENCY,
        partitionsConsumedConcurrently: INPUT_TOPICS.length * this.config.KAFKA_TOPIC_PARTITIONS,
        retry: STORE_RETRY,
        decode: (record) => this.decode(record),
        handler: (payload, context) => this.handle(payload, context.record),
        logger: this.logger.logger.child({ context: 'ConsumerRunner' }),
      });
      await this.runner.start();
      this.logger.info({ topics: INPUT_TOPICS, groupId: this.config.KAFKA_GROUP_ID }, 'consuming');
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: TOPIC_SETUP_RETRY_MS }, 'could not start consuming; retrying');
      await this.runner?.stop().catch(() => undefined);
      this.runner = undefined;
      this.retryTimer = setTimeout(() => {
        this.starting = this.start();
      }, TOPIC_SETUP_RETRY_MS);
      this.retryTimer.unref();
    }
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
          this.logger.debug({ topic: source.topic, partition: source.partition, offset: source.offset, reason: record.reason }, 'gateway record skipped: undecodable');
          return;
      }
    } catch (error) {
      // The row itself is refused (not the database being down): it would fail forever.
      if (isRowError(error)) throw new PermanentError(`the database refused the row: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}
