import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { checkKafka, EventProducer } from '@hookline/kafka';
import { HealthRegistry } from '@hookline/observability';
import type { Admin, Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { KafkaTopics } from './kafka-topics.service.js';
import { setTimeout as delay } from 'node:timers/promises';
import { KAFKA_CLIENT, KAFKA_HEALTH_TIMEOUT_MS, TOPIC_SETUP_RETRY_MS, TOPIC_SETUP_WAIT_MS } from './kafka.constant.js';

/**
 * The producer's Kafka session: one shared admin for topic setup and the readiness
 * probe, topics ensured at start (retried in the background while Kafka is
 * unreachable, so the service still starts and answers 503), and a clean
 * shutdown: queued sends are flushed before the producer disconnects.
 */
@Injectable()
export class KafkaConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private adminReady: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(KAFKA_CLIENT) client: Kafka,
    private readonly producer: EventProducer,
    private readonly topics: KafkaTopics,
    private readonly health: HealthRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.admin = client.admin();
    this.logger.setContext(KafkaConnection.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('kafka', async () => {
      await this.connectedAdmin();
      const state = await checkKafka(this.admin, KAFKA_HEALTH_TIMEOUT_MS);
      return { up: state.up, detail: state.detail };
    });
    // Quick when Kafka answers; when it does not, start anyway (requests get 503) and keep trying.
    await Promise.race([this.setUpTopics(), delay(TOPIC_SETUP_WAIT_MS)]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    // The HTTP server is closed by now: no new sends, and in-flight ones settle within KAFKA_SEND_TIMEOUT_MS.
    await this.producer.disconnect();
    await this.admin.disconnect().catch(() => undefined);
  }

  private async setUpTopics(): Promise<void> {
    try {
      await this.topics.ensure(await this.connectedAdmin());
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn({ err: describe(error), retryInMs: TOPIC_SETUP_RETRY_MS }, 'Kafka topics not ensured (Kafka unreachable?); retrying in the background');
      this.retryTimer = setTimeout(() => void this.setUpTopics(), TOPIC_SETUP_RETRY_MS);
      this.retryTimer.unref();
    }
  }

  /** The shared admin, connecting it first when it is not (yet, or any more). */
  private async connectedAdmin(): Promise<Admin> {
    this.adminReady ??= this.admin.connect().catch((error: unknown) => {
      this.adminReady = undefined;
      throw error;
    });
    await this.adminReady;
    return this.admin;
  }
}

function describe(error: unknown): { type: string; message: string } | string {
  return error instanceof Error ? { type: error.name, message: error.message } : String(error);
}
