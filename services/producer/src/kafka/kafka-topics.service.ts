import { Inject, Injectable } from '@nestjs/common';
import { ConfigResourceTypes, ConfigSource, ensureTopics } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Admin } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { ProducerConfig } from '../config/producer.settings.js';
import { PRODUCED_TOPICS, RECORD_BATCH_HEADROOM_BYTES } from './kafka.constant.js';

const MAX_MESSAGE_BYTES = 'max.message.bytes';

/**
 * Makes sure the gateway topics (and their .dlq) exist with the configured partitions
 * and accept the biggest request the API takes: Kafka's default max.message.bytes is
 * 1 MiB, and one event may carry a 1 MiB input.
 */
@Injectable()
export class KafkaTopics {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<ProducerConfig, 'KAFKA_TOPIC_PARTITIONS' | 'INGEST_MAX_BODY_BYTES'>,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(KafkaTopics.name);
  }

  get maxMessageBytes(): number {
    return this.config.INGEST_MAX_BODY_BYTES + RECORD_BATCH_HEADROOM_BYTES;
  }

  async ensure(admin: Admin): Promise<void> {
    const configs = { [MAX_MESSAGE_BYTES]: String(this.maxMessageBytes) };
    const result = await ensureTopics(
      admin,
      PRODUCED_TOPICS.map((topic) => ({ topic, numPartitions: this.config.KAFKA_TOPIC_PARTITIONS, configs })),
    );
    const raised = await this.raiseMessageLimit(admin);
    this.logger.info({ created: result.created, grown: result.grown, raisedMaxMessageBytes: raised }, 'Kafka topics ready');
  }

  /**
   * Topics created before (by another service or by hand) keep their settings; one
   * whose max.message.bytes is below what a request may need gets it raised. The
   * legacy AlterConfigs call kafkajs has replaces all of a topic's overrides, so the
   * other overrides are read first and sent back with it.
   */
  private async raiseMessageLimit(admin: Admin): Promise<string[]> {
    const topics = PRODUCED_TOPICS.flatMap((topic) => [topic, `${topic}.dlq`]);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    const raised: string[] = [];
    for (const resource of described.resources) {
      const current = resource.configEntries.find((entry) => entry.configName === MAX_MESSAGE_BYTES);
      if (current !== undefined && Number(current.configValue) >= this.maxMessageBytes) continue;
      const overrides = resource.configEntries
        .filter(
          (entry) =>
            entry.configSource === ConfigSource.TOPIC_CONFIG /* a per-topic override: the only kind AlterConfigs replaces */ &&
            entry.configName !== MAX_MESSAGE_BYTES &&
            !entry.isSensitive,
        )
        .map((entry) => ({ name: entry.configName, value: entry.configValue }));
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: resource.resourceName,
            configEntries: [...overrides, { name: MAX_MESSAGE_BYTES, value: String(this.maxMessageBytes) }],
          },
        ],
      });
      raised.push(resource.resourceName);
    }
    return raised;
  }
}
