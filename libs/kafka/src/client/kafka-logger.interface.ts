/** The logging surface @hookline/kafka needs; a pino logger fits as it is. */
export interface KafkaLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Discards everything; for tests and tools that do not log. */
export const silentKafkaLogger: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
