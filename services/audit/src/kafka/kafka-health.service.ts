import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { checkKafka } from '@hookline/kafka';
import { HealthRegistry } from '@hookline/observability';
import type { Admin, Kafka } from 'kafkajs';
import { DEPENDENCY_CHECK_TIMEOUT_MS, KAFKA_CLIENT } from '../audit.constant.js';

/** The `kafka` readiness check, on one shared admin connection. */
@Injectable()
export class KafkaHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private adminReady: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) client: Kafka,
    private readonly health: HealthRegistry,
  ) {
    this.admin = client.admin();
  }

  onApplicationBootstrap(): void {
    this.health.register('kafka', async () => {
      this.adminReady ??= this.admin.connect().catch((error: unknown) => {
        this.adminReady = undefined;
        throw error;
      });
      await this.adminReady;
      const state = await checkKafka(this.admin, DEPENDENCY_CHECK_TIMEOUT_MS - 100);
      return { up: state.up, detail: state.detail };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}
