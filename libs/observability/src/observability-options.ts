import type { DestinationStream } from 'pino';
import type { LogLevel } from './config/setting-builders.js';

export interface ObservabilityOptions {
  /** Service name: the `service` label on every metric and field on every log line. */
  readonly service: string;
  /**
   * The object `loadConfig` returned. Provided to the app as APP_CONFIG and logged
   * (redacted) at startup; its LOG_LEVEL, if it has one, sets the log level.
   */
  readonly config?: object;
  /** Overrides config.LOG_LEVEL; `info` when neither is given. */
  readonly logLevel?: LogLevel;
  /** Default time a dependency check may take before it counts as down. */
  readonly healthCheckTimeoutMs?: number;
  /** Send log lines here instead of stdout (tests). */
  readonly logDestination?: DestinationStream;
}

export const OBSERVABILITY_OPTIONS = Symbol('hookline:observability-options');
