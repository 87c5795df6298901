import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
  KafkaJSTimeout,
} from '../client/kafkajs.runtime.js';
import { KafkaUnavailableError } from '../errors/kafka-unavailable.error.js';

/**
 * True when an error means "Kafka could not be reached or did not answer", as opposed
 * to Kafka rejecting the request for good (record too large, not authorised...).
 * kafkajs gives up on retriable errors with KafkaJSNumberOfRetriesExceeded.
 */
export function isKafkaUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (
    error instanceof KafkaUnavailableError ||
    error instanceof KafkaJSConnectionError ||
    error instanceof KafkaJSRequestTimeoutError ||
    error instanceof KafkaJSNumberOfRetriesExceeded ||
    error instanceof KafkaJSBrokerNotFound ||
    error instanceof KafkaJSTimeout
  ) {
    return true;
  }
  return (error as { retriable?: unknown }).retriable === true;
}
