import type { Kafka } from 'kafkajs';
import { createKafkaClient, type KafkaClientOptions } from './create-kafka-client.js';

/** Either a client to share, or the options to build one. */
export type KafkaClientInput = Kafka | KafkaClientOptions;

export function resolveKafkaClient(input: KafkaClientInput): Kafka {
  return 'brokers' in input ? createKafkaClient(input) : input;
}
