/** One sample line of the Prometheus text exposition format. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A label wanted as this exact value, or as any value the predicate accepts (it sees undefined when the label is absent). */
export type LabelMatcher = string | ((value: string | undefined) => boolean);

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * The samples of a /metrics page (text format 0.0.4). Comments, blank lines and lines that are not a
 * well-formed sample are passed over: a scrape that reads what it can beats one that throws mid-page.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const sample = parseSampleLine(line.trim());
    if (sample !== undefined) samples.push(sample);
  }
  return samples;
}

/** The samples named `name` whose labels all match `labels` (other labels may be present). */
export function selectSamples(samples: readonly PrometheusSample[], name: string, labels: Readonly<Record<string, LabelMatcher>> = {}): PrometheusSample[] {
  const wanted = Object.entries(labels);
  return samples.filter(
    (sample) => sample.name === name && wanted.every(([key, want]) => (typeof want === 'function' ? want(sample.labels[key]) : sample.labels[key] === want)),
  );
}

/** The sum of the values of the samples `selectSamples` picks (0 when none). */
export function sumSamples(samples: readonly PrometheusSample[], name: string, labels: Readonly<Record<string, LabelMatcher>> = {}): number {
  return selectSamples(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

function parseSampleLine(line: string): PrometheusSample | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const end = parseLabels(rest, labels);
    if (end === undefined) return undefined;
    rest = rest.slice(end);
  }
  // The value, then an optional timestamp.
  const fields = rest.trim().split(/\s+/);
  const first = fields[0];
  if (first === undefined || first === '' || fields.length > 2) return undefined;
  const value = parseValue(first);
  return value === undefined ? undefined : { name, labels, value };
}

/** Reads `{a="x",b="y"}` into `labels`; the index just past `}`, or undefined when malformed. */
function parseLabels(text: string, labels: Record<string, string>): number | undefined {
  let at = 1;
  for (;;) {
    while (text[at] === ' ' || text[at] === ',') at += 1;
    if (text[at] === '}') return at + 1;
    const key = LABEL_NAME.exec(text.slice(at))?.[0];
    if (key === undefined) return undefined;
    at += key.length;
    while (text[at] === ' ') at += 1;
    if (text[at] !== '=' || text[at + 1] !== '"') return undefined;
    at += 2;
    let value = '';
    for (;;) {
      const char = text[at];
      if (char === undefined) return undefined;
      at += 1;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = text[at];
        if (escaped === undefined) return undefined;
        value += ESCAPES[escaped] ?? `\\${escaped}`;
        at += 1;
      } else {
        value += char;
      }
    }
    labels[key] = value;
  }
}

function parseValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
