import { parsePrometheusText, sumSamples, type LabelMatcher } from '@hookline/observability/prometheus-text';

/** Sum of a metric's samples on a service's /metrics page whose labels all match (values or predicates); 0 when unreachable. */
export async function metricSum(serviceUrl: string, name: string, labels: Readonly<Record<string, LabelMatcher>> = {}): Promise<number> {
  const text = await fetch(`${serviceUrl}/metrics`).then(
    (response) => (response.ok ? response.text() : ''),
    () => '',
  );
  return sumSamples(parsePrometheusText(text), name, labels);
}
