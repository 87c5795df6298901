/**
 * Kafka did not acknowledge in time or could not be reached. The records of the
 * failed send may or may not have been written: a caller retrying them must be fine
 * with a duplicate (hookline records carry a stable event id for that).
 */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
}
