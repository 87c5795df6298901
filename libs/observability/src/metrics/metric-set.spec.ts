import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterMetric, gaugeMetric, histogramMetric, MetricSet } from './metric-set.js';
import { MetricsRegistry } from './metrics-registry.service.js';

class TestMetrics extends MetricSet({
  events: counterMetric('hookline_test_events_total', 'Events, by outcome.', ['outcome']),
  running: gaugeMetric('hookline_test_running', 'Running now.'),
  seconds: histogramMetric('hookline_test_seconds', 'Durations.', [], [0.1, 1]),
}) {}

void describe('MetricSet', () => {
  void it('registers each spec with its name, help, labels and buckets', async () => {
    const registry = new MetricsRegistry('test');
    const metrics = new TestMetrics(registry);
    metrics.events.inc({ outcome: 'ok' });
    metrics.running.set(2);
    metrics.seconds.observe(0.5);
    const text = await registry.metrics();
    assert.match(
      text,
      /# HELP hookline_test_events_total Events, by outcome\.\n# TYPE hookline_test_events_total counter\nhookline_test_events_total\{outcome="ok",service="test"\} 1/,
    );
    assert.match(text, /hookline_test_running\{service="test"\} 2/);
    assert.match(text, /hookline_test_seconds_bucket\{le="1",service="test"\} 1/);
  });

  void it('shares a metric between two sets in one registry, and refuses bad names', () => {
    const registry = new MetricsRegistry('test');
    assert.equal(new TestMetrics(registry).events, new TestMetrics(registry).events);
    class Bad extends MetricSet({ wrong: counterMetric('hookline_no_suffix', 'x') }) {}
    assert.throws(() => new Bad(registry), /must end in _total/);
  });
});
