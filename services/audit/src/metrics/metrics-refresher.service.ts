import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DLQ_SUFFIX } from '@hookline/contracts';
import { APP_CONFIG } from '@hookline/observability';
import { gte } from 'drizzle-orm';
import type { Admin, Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { ENDPOINT_GAUGE_WINDOW_DAYS, KAFKA_CLIENT } from '../audit.constant.js';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts, endpointStates } from '../database/audit.schema.js';
import { endpointLastOutcomes } from '../query/endpoint-last-outcomes.js';
import { AuditMetrics } from './audit-metrics.service.js';

/**
 * Gauges that are read rather than counted, refreshed every METRICS_REFRESH_SECONDS:
 * consumer lag of every hookline consumer group, dead-letter records per topic (from
 * end offsets), and per-endpoint state from the stored attempts and operational
 * webhooks (so every audit instance reports the same, and a restart loses nothing).
 */
@Injectable()
export class MetricsRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private adminReady: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  /** End offsets (summed) of each dead-letter topic at the last refresh. */
  private readonly deadLetterSeen = new Map<string, number>();

  constructor(
    @Inject(KAFKA_CLIENT) client: Kafka,
    @Inject(APP_CONFIG) private readonly config: Pick<AuditConfig, 'METRICS_REFRESH_SECONDS' | 'KAFKA_LAG_GROUP_PREFIX'>,
    private readonly database: AuditDatabase,
    private readonly metrics: AuditMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.admin = client.admin();
    this.logger.setContext(MetricsRefresher.name);
  }

  onApplicationBootstrap(): void {
    const tick = (): void => {
      void this.refresh().finally(() => {
        // A refresh that ends after shutdown must not schedule another (it would reconnect Kafka).
        if (this.stopped) return;
        this.timer = setTimeout(tick, this.config.METRICS_REFRESH_SECONDS * 1000);
        this.timer.unref();
      });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshing;
    await this.admin.disconnect().catch(() => undefined);
  }

  /** One refresh of every gauge; a part that fails (Kafka or PostgreSQL down) leaves its gauges as they were. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.refreshing ??= Promise.allSettled([this.refreshKafka(), this.refreshEndpoints()])
      .then((results) => {
        for (const result of results) {
          if (result.status === 'rejected')
            this.logger.debug({ err: result.reason instanceof Error ? result.reason.message : String(result.reason) }, 'metrics refresh incomplete');
        }
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async refreshKafka(): Promise<void> {
    this.adminReady ??= this.admin.connect().catch((error: unknown) => {
      this.adminReady = undefined;
      throw error;
    });
    await this.adminReady;
    const endOffsets = new Map<string, { high: number; low: number }[]>();
    const offsetsOf = async (topic: string) => {
      let offsets = endOffsets.get(topic);
      if (offsets === undefined) {
        offsets = (await this.admin.fetchTopicOffsets(topic)).map((partition) => ({ high: Number(partition.high), low: Number(partition.low) }));
        endOffsets.set(topic, offsets);
      }
      return offsets;
    };

    const { groups } = await this.admin.listGroups();
    const lag: { group: string; topic: string; value: number }[] = [];
    for (const { groupId } of groups.filter((group) => group.groupId.startsWith(this.config.KAFKA_LAG_GROUP_PREFIX))) {
      for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId })) {
        const ends = await offsetsOf(topic);
        let total = 0;
        partitions.forEach((partition) => {
          const end = ends[partition.partition];
          if (end === undefined) return;
          const committed = Number(partition.offset);
          total += Math.max(0, end.high - (committed >= 0 ? committed : end.low));
        });
        lag.push({ group: groupId, topic, value: total });
      }
    }
    // Reset first, so a group that is gone stops being reported.
    this.metrics.consumerLag.reset();
    for (const { group, topic, value } of lag) this.metrics.consumerLag.set({ group, topic }, value);

    for (const topic of (await this.admin.listTopics()).filter((name) => name.endsWith(DLQ_SUFFIX))) {
      const total = (await offsetsOf(topic)).reduce((sum, partition) => sum + partition.high, 0);
      const seen = this.deadLetterSeen.get(topic);
      // First sight: count what is there, so the counter starts at the topic's size.
      const added = seen === undefined ? total : total - seen;
      if (added > 0) this.metrics.deadLetterRecords.inc({ topic }, added);
      else if (seen === undefined) this.metrics.deadLetterRecords.inc({ topic }, 0);
      this.deadLetterSeen.set(topic, Math.max(total, seen ?? 0));
    }
  }

  private async refreshEndpoints(): Promise<void> {
    const db = this.database.db;
    const windowStart = new Date(Date.now() - ENDPOINT_GAUGE_WINDOW_DAYS * 24 * 60 * 60 * 1000);
    const lasts = await endpointLastOutcomes(db, gte(deliveryAttempts.attemptedAt, windowStart));
    const states = await db.select().from(endpointStates);

    const seconds = (text: string | null): number | undefined => (text === null ? undefined : new Date(text).getTime() / 1000);
    const endpoints = new Map<string, { success?: number; failure?: number; failingSince?: number; disabled: boolean }>();
    for (const row of lasts) endpoints.set(row.endpointId, { success: seconds(row.lastSuccess), failure: seconds(row.lastFailure), disabled: false });
    for (const state of states) {
      const entry = endpoints.get(state.endpointId) ?? { disabled: false };
      entry.disabled = state.disabled;
      entry.failingSince = state.failingSince === null ? undefined : state.failingSince.getTime() / 1000;
      endpoints.set(state.endpointId, entry);
    }
    for (const gauge of [this.metrics.endpointLastSuccess, this.metrics.endpointLastFailure, this.metrics.endpointFailing, this.metrics.endpointDisabled])
      gauge.reset();
    for (const [endpoint, entry] of endpoints) {
      if (entry.success !== undefined) this.metrics.endpointLastSuccess.set({ endpoint }, entry.success);
      if (entry.failure !== undefined) this.metrics.endpointLastFailure.set({ endpoint }, entry.failure);
      const lastBad = Math.max(entry.failure ?? 0, entry.failingSince ?? 0);
      this.metrics.endpointFailing.set({ endpoint }, lastBad > (entry.success ?? 0) ? 1 : 0);
      this.metrics.endpointDisabled.set({ endpoint }, entry.disabled ? 1 : 0);
    }
  }
}
