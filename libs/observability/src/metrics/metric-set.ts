import { Inject } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.service.js';

/** One metric of a set: its kind, name, help and (bounded) label names; histograms may name buckets. */
export interface MetricSpec<K extends 'counter' | 'gauge' | 'histogram', L extends string> {
  readonly kind: K;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly buckets?: readonly number[];
}

export function counterMetric<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): MetricSpec<'counter', L> {
  return { kind: 'counter', name, help, labelNames };
}

export function gaugeMetric<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): MetricSpec<'gauge', L> {
  return { kind: 'gauge', name, help, labelNames };
}

/** Buckets default to DURATION_BUCKETS_SECONDS. */
export function histogramMetric<const L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: readonly number[],
): MetricSpec<'histogram', L> {
  return { kind: 'histogram', name, help, labelNames, ...(buckets === undefined ? {} : { buckets }) };
}

type AnySpec = MetricSpec<'counter' | 'gauge' | 'histogram', string>;

/** The prom-client metric each spec of a set becomes. */
export type MetricsOf<S extends Record<string, AnySpec>> = {
  readonly [K in keyof S]: S[K] extends MetricSpec<'counter', infer L>
    ? Counter<L>
    : S[K] extends MetricSpec<'gauge', infer L>
      ? Gauge<L>
      : S[K] extends MetricSpec<'histogram', infer L>
        ? Histogram<L>
        : never;
};

/** Registers every metric of `specs` (idempotently: a name asked for twice is the same metric). */
export function registerMetrics<S extends Record<string, AnySpec>>(registry: MetricsRegistry, specs: S): MetricsOf<S> {
  const created: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.kind === 'counter') created[key] = registry.counter(spec);
    else if (spec.kind === 'gauge') created[key] = registry.gauge(spec);
    else created[key] = registry.histogram(spec);
  }
  return created as MetricsOf<S>;
}

/**
 * A base class whose instances carry the metrics of `specs` as fields, for a service's
 * injectable metrics class: `@Injectable() class HooksMetrics extends MetricSet({ ... }) {}`.
 * Nest injects the MetricsRegistry (declared here, so the subclass needs no constructor).
 */
export function MetricSet<S extends Record<string, AnySpec>>(specs: S): new (registry: MetricsRegistry) => MetricsOf<S> {
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a mixin base: its fields are the registered metrics, assigned in the constructor.
  class Metrics {
    constructor(registry: MetricsRegistry) {
      Object.assign(this, registerMetrics(registry, specs));
    }
  }
  Inject(MetricsRegistry)(Metrics, undefined, 0);
  return Metrics as unknown as new (registry: MetricsRegistry) => MetricsOf<S>;
}
