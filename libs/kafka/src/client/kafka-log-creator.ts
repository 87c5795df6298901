import type { logCreator } from 'kafkajs';
import { logLevel } from './kafkajs.runtime.js';
import type { KafkaLogger } from './kafka-logger.interface.js';

// EventProducer bounds its retries on purpose and replaces its producer (new producer
// id) after any uncertain failure, so kafkajs's EoS warning about limited retries does
// not apply; it would otherwise be logged at every producer start.
const DEMOTED_TO_DEBUG = ['Limiting retries for the idempotent producer may invalidate EoS guarantees'];

/** Routes kafkajs's log entries to a pino-style logger (object first, message second). */
export function kafkaLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _kafkajs,
        ...extra
      } = log as { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      const fields = { kafkajs: namespace, ...extra };
      if (DEMOTED_TO_DEBUG.includes(message)) {
        logger.debug(fields, message);
        return;
      }
      switch (level) {
        case logLevel.ERROR:
          logger.error(fields, message);
          break;
        case logLevel.WARN:
          logger.warn(fields, message);
          break;
        case logLevel.INFO:
          logger.info(fields, message);
          break;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          logger.debug(fields, message);
          break;
      }
    };
}
