import { Inject, Injectable } from '@nestjs/common';
import { checkKafka } from '@hookline/kafka';
import { HealthRegistry } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { KAFKA_CLIENT } from '../kafka/kafka.constant.js';
import { HEALTH_PROBE_TIMEOUT_MS } from '../relay.constant.js';
import { describeSvixFailure } from '../svix/svix-failure.js';
import { SvixClient } from '../svix/svix-client.service.js';

/** /health/ready's Kafka and Svix indicators (the database and the consumer register their own). */
@Injectable()
export class DependencyHealth {
  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka, svix: SvixClient, health: HealthRegistry) {
    health.register('kafka', async () => {
      const state = await checkKafka(kafka, HEALTH_PROBE_TIMEOUT_MS);
      return { up: state.up, detail: state.detail };
    });
    health.register('svix', async () => {
      // Without a token Svix is not a dependency: publishing is off by configuration, not down.
      if (svix.api === undefined) return { up: true, detail: { configured: false } };
      try {
        await svix.api.health.get();
        return { up: true, detail: { configured: true } };
      } catch (error) {
        return { up: false, detail: { configured: true, error: describeSvixFailure(error).message } };
      }
    });
  }
}
