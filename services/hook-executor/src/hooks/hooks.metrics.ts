import { Injectable } from '@nestjs/common';
import { HOOK_NAMES, HOOK_OUTCOMES, type HookName, type HookOutcome } from '@hookline/contracts';
import {
  counterMetric,
  DURATION_BUCKETS_SECONDS,
  gaugeMetric,
  histogramMetric,
  LONG_DURATION_BUCKETS_SECONDS,
  MetricSet,
  MetricsRegistry,
} from '@hookline/observability';
import { HOOK_METRICS } from './hooks.constant.js';

/** The hook runs' counters, durations, queue wait and running gauge. */
@Injectable()
export class HooksMetrics extends MetricSet({
  executions: counterMetric(
    HOOK_METRICS.executions,
    'Hook runs by hook and outcome (success, failure, timeout, memory_limit, process_limit, sandbox_error, skipped, error).',
    ['hook', 'outcome'],
  ),
  duration: histogramMetric(HOOK_METRICS.duration, 'Wall time of hook runs that started a process, by hook.', ['hook'], LONG_DURATION_BUCKETS_SECONDS),
  queueWait: histogramMetric(HOOK_METRICS.queueWait, "Time from an event's Kafka record timestamp to its hook process starting.", [], DURATION_BUCKETS_SECONDS),
  running: gaugeMetric(HOOK_METRICS.running, 'Hook processes running now.'),
  sandboxed: gaugeMetric(HOOK_METRICS.sandbox, '1 when hooks run in the sandbox (HOOK_SANDBOX=on), 0 when an operator turned it off.'),
}) {
  constructor(registry: MetricsRegistry) {
    super(registry);
    // Every series from the start, so rates and alerts have a zero to begin from.
    for (const hook of HOOK_NAMES) {
      for (const outcome of HOOK_OUTCOMES) this.executions.inc({ hook, outcome }, 0);
    }
    this.running.set(0);
  }

  finished(hook: HookName, outcome: HookOutcome, seconds: number | undefined): void {
    this.executions.inc({ hook, outcome });
    if (seconds !== undefined) this.duration.observe({ hook }, seconds);
  }

  started(queueWaitSeconds: number | undefined): void {
    this.running.inc();
    if (queueWaitSeconds !== undefined && queueWaitSeconds >= 0) this.queueWait.observe(queueWaitSeconds);
  }

  sandbox(on: boolean): void {
    this.sandboxed.set(on ? 1 : 0);
  }

  stopped(): void {
    this.running.dec();
  }
}
