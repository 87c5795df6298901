/** One sample of a Prometheus text page. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition page (names, labels, values; comments skipped). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, line.indexOf(' '));
    const labelText = brace >= 0 && brace < space ? line.slice(brace + 1, line.lastIndexOf('}')) : '';
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    samples.push({ name, labels, value: Number(line.slice(space + 1)) || 0 });
  }
  return samples;
}

type LabelMatch = Readonly<Record<string, string | ((value: string | undefined) => boolean)>>;

/** Sum of a metric's samples on a service's /metrics page whose labels all match (values or predicates); 0 when unreachable. */
export async function metricSum(serviceUrl: string, name: string, labels: LabelMatch = {}): Promise<number> {
  const text = await fetch(`${serviceUrl}/metrics`).then((response) => (response.ok ? response.text() : ''), () => '');
  let sum = 0;
  for (const sample of parseSamples(text)) {
    if (sample.name !== name) continue;
    const match = Object.entries(labels).every(([key, want]) => (typeof want === 'function' ? want(sample.labels[key]) : sample.labels[key] === want));
    if (match) sum += sample.value;
  }
  return sum;
}
