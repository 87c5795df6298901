import { Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction, type HealthIndicatorResult } from '@nestjs/terminus';

// scheme://user:password@host → scheme://***@host; ?query (tokens ride there) → ?***
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const URL_QUERY = /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#]*)\?[^\s#]*/gi;

/**
 * A readiness detail fit for anyone who can reach /health/ready: URLs inside strings lose
 * their user info and query. Checks report states, not credentials; this is the net under them.
 */
export function redactHealthDetail(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL_USER_INFO, '$1***@').replace(URL_QUERY, '$1?***');
  if (Array.isArray(value)) return value.map(redactHealthDetail);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactHealthDetail(item)]));
}

/** What a dependency check reports. `detail` is shown in /health/ready under the dependency's name. */
export interface DependencyState {
  readonly up: boolean;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Checks one dependency. `signal` aborts when the check has run out of time, so
 * a check that can be cancelled (fetch, a driver call) should pass it on.
 */
export type DependencyCheck = (context: { readonly signal: AbortSignal }) => Promise<DependencyState> | DependencyState;

interface RegisteredCheck {
  readonly check: DependencyCheck;
  readonly timeoutMs: number;
}

/**
 * The dependencies /health/ready reports on. Services register one named check
 * per dependency (kafka, postgres, git, svix); each becomes its own terminus
 * indicator, and a check that throws or does not answer in time counts as down.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, RegisteredCheck>();
  private readonly logger = new Logger(HealthRegistry.name);

  constructor(
    private readonly indicatorService: HealthIndicatorService,
    private readonly defaultTimeoutMs: number,
  ) {}

  register(name: string, check: DependencyCheck, options: { readonly timeoutMs?: number } = {}): void {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new TypeError(`health check ${name}: use a lowercase name like "kafka"`);
    if (this.checks.has(name)) throw new Error(`health check ${name} is already registered`);
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs });
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** One terminus indicator per registered dependency, for HealthCheckService.check. */
  indicators(): HealthIndicatorFunction[] {
    return [...this.checks].map(
      ([name, registered]) =>
        () =>
          this.probe(name, registered),
    );
  }

  private async probe(name: string, { check, timeoutMs }: RegisteredCheck): Promise<HealthIndicatorResult> {
    const session = this.indicatorService.check(name);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`no answer within ${timeoutMs} ms`));
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      // `then` so a check that throws synchronously is caught like one that rejects.
      const outcome = await Promise.race([Promise.resolve().then(() => check({ signal: controller.signal })), timedOut]);
      if (outcome === 'timeout') return session.down({ error: `no answer within ${timeoutMs} ms` });
      const detail: Record<string, unknown> = outcome.detail === undefined ? {} : { detail: redactHealthDetail(outcome.detail) };
      return outcome.up ? session.up(detail) : session.down(detail);
    } catch (error) {
      // A thrown message may name a database, a user or a host: logged, not shown.
      this.logger.warn(`readiness check ${name} failed: ${String(redactHealthDetail(error instanceof Error ? error.message : String(error)))}`);
      return session.down({ error: 'check failed; the service log says why' });
    } finally {
      clearTimeout(timer);
    }
  }
}
