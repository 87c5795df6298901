import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayEvent, HookExecutionRecord, HookName } from '@hookline/contracts';
import { APP_CONFIG, HealthRegistry } from '@hookline/observability';
import { PinoLogger } from 'nestjs-pino';
import type { HookEnvironment, HookExecutorConfig } from '../config/hook-executor.settings.js';
import { HOOK_FILES } from '../runbooks/runbooks.constant.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import { HookRunner } from './hook-runner.js';
import { sandboxOptions } from '../sandbox/sandbox.js';
import { buildHookPayload, preparePayload } from './hook-payload.js';
import type { HookRunResult } from './hook-run.types.js';
import { HOOK_ENV, HOOKS_OFF_REASON } from './hooks.constant.js';
import { HooksMetrics } from './hooks.metrics.js';

export type HookEvent = GatewayEvent<'session.open' | 'session.close'>;

const HOOK_OF: Record<HookEvent['type'], HookName> = { 'session.open': 'session-open', 'session.close': 'session-close' };

/** The logic of one event: pick its hook, run it from the current snapshot, describe the run as a record. */
@Injectable()
export class HookExecutionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: HookRunner;

  constructor(
    @Inject(APP_CONFIG) private readonly config: HookExecutorConfig,
    @Inject(HOOK_ENV) private readonly hookEnv: HookEnvironment,
    private readonly runbooks: RunbooksService,
    private readonly metrics: HooksMetrics,
    private readonly health: HealthRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(HookExecutionService.name);
    this.runner = new HookRunner(sandboxOptions(config));
  }

  onApplicationBootstrap(): void {
    const on = this.config.HOOK_SANDBOX === 'on';
    this.metrics.sandbox(on);
    if (!on)
      this.logger.warn({ setting: 'HOOK_SANDBOX', value: 'off' }, 'HOOK_SANDBOX=off: hooks run unconfined, as the service user, and can read its secrets');
    // Readiness shows whether hooks are confined; an operator's explicit off does not make the service unready.
    this.health.register('sandbox', () => ({ up: true, detail: { sandbox: this.config.HOOK_SANDBOX, network: this.config.HOOK_NETWORK } }));
  }

  onApplicationShutdown(): void {
    this.runner.close();
  }

  /** `availableAtMs`: the Kafka record's timestamp, for the queue-wait metric. */
  async execute(event: HookEvent, availableAtMs?: number, signal?: AbortSignal): Promise<HookExecutionRecord> {
    const hook = HOOK_OF[event.type];
    const hookPath = HOOK_FILES[hook];
    const payload = preparePayload(buildHookPayload(event));
    const lease = this.runbooks.lease();
    let result: HookRunResult;
    let commit: string | null = null;
    if (lease === undefined) {
      // Only when hooks are off: with hooks on, nothing is consumed before the first snapshot.
      const now = new Date().toISOString();
      const empty = { text: '', truncated: false, bytes: 0 };
      result = {
        outcome: 'skipped',
        started_at: now,
        duration_ms: 0,
        exit_code: null,
        signal: null,
        timed_out: false,
        skipped_reason: HOOKS_OFF_REASON,
        error: null,
        stdout: empty,
        stderr: empty,
        payload_truncated: payload.truncated,
      };
    } else {
      commit = lease.snapshot.commit;
      // Set by onSpawn, a callback the compiler cannot follow.
      let spawned = false as boolean;
      try {
        result = await this.runner.run({
          hook,
          snapshotDir: lease.snapshot.dir,
          hookPath,
          payload,
          interpreter: this.config.HOOK_INTERPRETER,
          timeoutMs: this.config.HOOK_TIMEOUT_SECONDS * 1000,
          maxOutputBytes: this.config.HOOK_MAX_OUTPUT_BYTES,
          hookEnv: this.hookEnv,
          tempRoot: this.runbooks.runsDir,
          ...(signal === undefined ? {} : { signal }),
          onSpawn: (startedAtMs) => {
            spawned = true;
            this.metrics.started(availableAtMs === undefined ? undefined : (startedAtMs - availableAtMs) / 1000);
          },
        });
      } finally {
        if (spawned) this.metrics.stopped();
        lease.release();
      }
    }
    const ran = result.outcome !== 'skipped' && result.error === null;
    this.metrics.finished(hook, result.outcome, ran ? result.duration_ms / 1000 : undefined);
    const level = result.outcome === 'success' || result.outcome === 'skipped' ? 'debug' : 'warn';
    this.logger[level](
      {
        eventId: event.id,
        sid: event.data.sid,
        hook,
        commit,
        outcome: result.outcome,
        exitCode: result.exit_code,
        signal: result.signal,
        ms: Math.round(result.duration_ms),
        reason: result.skipped_reason ?? result.error,
      },
      'hook run',
    );
    return {
      event_id: event.id,
      event_type: event.type,
      event_time: event.time,
      sid: event.data.sid,
      org_id: event.data.org_id,
      hook,
      hook_path: hookPath,
      git_commit: commit,
      ...result,
    };
  }
}
