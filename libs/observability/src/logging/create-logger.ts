import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED } from '../config/config.constant.js';
import type { LogLevel } from '../config/setting-builders.js';
import { REDACTED_LOG_PATHS } from './logging.constant.js';

export interface LoggerSettings {
  /** Added to every line as `service`. */
  readonly service: string;
  readonly level?: LogLevel;
  /** Where lines go instead of stdout (tests capture them here). Always JSON. */
  readonly destination?: DestinationStream;
  /** Extra redaction paths on top of REDACTED_LOG_PATHS. */
  readonly redactPaths?: readonly string[];
}

/**
 * The pino logger hookline writes with, for Nest apps (ObservabilityModule uses it)
 * and plain scripts alike: JSON lines with a `service` field, ISO time, level as a
 * word, secrets redacted by path; pretty-printed only in a terminal with
 * pino-pretty installed, so containers always emit JSON.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_LOG_PATHS, ...(settings.redactPaths ?? [])], censor: REDACTED },
  };
  if (settings.destination !== undefined) return pino(options, settings.destination);
  const pretty = prettyTarget();
  return pretty === undefined ? pino(options) : pino({ ...options, transport: { target: pretty, options: { colorize: true } } });
}

// pino-pretty is optional (a developer convenience): resolve it from here, and do without it when absent.
function prettyTarget(): string | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    return createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
}
