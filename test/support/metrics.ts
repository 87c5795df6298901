import { parsePrometheusText, selectSamples, sumSamples, type LabelMatcher, type PrometheusSample } from '@hookline/observability';

/** The samples on a service's /metrics page. */
export async function scrapeMetrics(url: string): Promise<PrometheusSample[]> {
  return parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
}

/** The value of the first series of `name` whose labels match (undefined when absent). */
export async function firstMetricValue(url: string, name: string, labels: Readonly<Record<string, LabelMatcher>> = {}): Promise<number | undefined> {
  return selectSamples(await scrapeMetrics(url), name, labels)[0]?.value;
}

/** The sum of every series of `name` whose labels match (0 when absent). */
export async function metricTotal(url: string, name: string, labels: Readonly<Record<string, LabelMatcher>> = {}): Promise<number> {
  return sumSamples(await scrapeMetrics(url), name, labels);
}
