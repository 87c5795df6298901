import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, METRIC_PREFIX } from './metrics.constant.js';

export interface CounterDefinition<L extends string> {
  /** `hookline_<thing>_total` */
  readonly name: string;
  readonly help: string;
  /** Only labels with a small, fixed set of values (event type, outcome), never ids or emails. */
  readonly labelNames?: readonly L[];
}

export interface HistogramDefinition<L extends string> extends CounterDefinition<L> {
  /** Defaults to DURATION_BUCKETS_SECONDS. */
  readonly buckets?: readonly number[];
}

/**
 * The process's one prom-client registry: Node's default metrics plus a `service`
 * label on every series. Metrics are created through it so they all end up on
 * /metrics; asking twice for the same name returns the same metric, so two
 * providers can share one.
 */
export class MetricsRegistry extends Registry {
  constructor(readonly service: string) {
    super();
    this.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this });
  }

  counter<L extends string = never>(definition: CounterDefinition<L>): Counter<L> {
    if (!definition.name.endsWith('_total')) throw new TypeError(`counter ${definition.name}: name must end in _total`);
    return this.existing(definition.name, Counter) ?? new Counter({ ...this.common(definition) });
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L> {
    return (
      this.existing(definition.name, Histogram) ?? new Histogram({ ...this.common(definition), buckets: [...(definition.buckets ?? DURATION_BUCKETS_SECONDS)] })
    );
  }

  gauge<L extends string = never>(definition: CounterDefinition<L>): Gauge<L> {
    return this.existing(definition.name, Gauge) ?? new Gauge({ ...this.common(definition) });
  }

  private common<L extends string>(definition: CounterDefinition<L>) {
    if (!definition.name.startsWith(METRIC_PREFIX)) {
      throw new TypeError(`metric ${definition.name}: name must start with ${METRIC_PREFIX}`);
    }
    return {
      name: definition.name,
      help: definition.help,
      labelNames: [...(definition.labelNames ?? [])],
      registers: [this],
    };
  }

  // prom-client throws on a duplicate name; returning the existing metric makes creation idempotent.
  private existing<M>(name: string, kind: abstract new (...args: never[]) => M): M | undefined {
    const metric = this.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof kind)) throw new TypeError(`metric ${name} already exists as another type`);
    return metric;
  }
}
