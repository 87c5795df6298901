/**
 * A Kafka record that can never become a GatewayEvent. Consumers send it to the
 * dead-letter topic with `reason` in its headers; retrying cannot help.
 */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';

  constructor(readonly reason: string) {
    super(`cannot decode event record: ${reason}`);
  }
}
