/**
 * npm run bench:ingest — events/s through POST /v1/events (batches of 100 ~1 KiB events)
 * beside a raw kafkajs producer sending the same records and Kafka's own
 * ProducerPerformance, all against the same broker in the same run; prints the rates,
 * the ratios and the producer process's peak RSS. Bounded: BENCH_EVENTS events per leg.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { encodeEvent, buildEvent, getEventContract, TOPICS, type IngestEventInput } from '@hookline/contracts';
import { ensureKafkaDistribution, freePort, provideKafkaBroker } from '@hookline/kafka-broker';
import { SERVICE_PROCESS_ENV } from '@hookline/observability';
import { untilReady } from './bench-services.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 60_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BATCH = 100;
const EVENT_BYTES = 1024;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const TOKEN = 'bench-token-0123456789abcdef';
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 200;

/** A batch of `BATCH` session.open events of about EVENT_BYTES each (as JSON). */
function makeBatch(seed: number): IngestEventInput[] {
  const example = getEventContract('session.open').example;
  const events: IngestEventInput[] = [];
  for (let i = 0; i < BATCH; i++) {
    const data = { ...example, sid: `bench-${seed}-${i}`, input: '' };
    const bare = JSON.stringify({ type: 'session.open', data }).length;
    data.input = 'x'.repeat(Math.max(0, EVENT_BYTES - bare));
    data.input_size = data.input.length;
    events.push({ type: 'session.open', data });
  }
  return events;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** The producer's memory as its /metrics tells it (prom-client's default metrics), in MB. */
interface MemorySample {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly newSpace: number;
  readonly oldSpace: number;
  readonly external: number;
}

async function sampleMemory(port: number): Promise<MemorySample | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const lines = text.split('\n');
  // A series' value: its name, then labels including `label` (the registry adds service="producer").
  const value = (name: string, label = ''): number => {
    const line = lines.find((candidate) => (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) && candidate.includes(label));
    return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? NaN) / 2 ** 20;
  };
  const sample = {
    rss: value('process_resident_memory_bytes'),
    heapTotal: value('nodejs_heap_size_total_bytes'),
    heapUsed: value('nodejs_heap_size_used_bytes'),
    newSpace: value('nodejs_heap_space_size_total_bytes', 'space="new"'),
    oldSpace: value('nodejs_heap_space_size_total_bytes', 'space="old"'),
    external: value('nodejs_external_memory_bytes'),
  };
  return Number.isNaN(sample.rss) ? undefined : sample;
}

/** Runs `work` while sampling the producer's memory; returns its result and the sample of highest RSS. */
async function withMemorySamples<T>(port: number, work: () => Promise<T>): Promise<{ result: T; peak: MemorySample | undefined }> {
  let peak: MemorySample | undefined;
  const stop = new AbortController();
  const sampler = (async () => {
    while (!stop.signal.aborted) {
      const sample = await sampleMemory(port);
      if (sample !== undefined && (peak === undefined || sample.rss > peak.rss)) peak = sample;
      await sleep(250);
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    stop.abort();
    await sampler;
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function rawKafkajs(brokers: string[], batches: IngestEventInput[][]): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();
  const records = batches.map((batch) => batch.map((input) => encodeEvent(buildEvent(input))));
  const total = Math.ceil(EVENTS / BATCH);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const batch = records[next++ % records.length]!;
      await producer.send({
        topic: TOPICS.gatewaySessions,
        acks: -1,
        compression: CompressionTypes.None,
        messages: batch.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return (total * BATCH) / seconds;
}

/**
 * A way to run the producer: node/V8 flags (on node's command line: NODE_OPTIONS admits only
 * some V8 flags) and NAME=value environment words, e.g. `MALLOC_ARENA_MAX=2 --max-semi-space-size=8`.
 */
interface ProducerVariant {
  readonly label: string;
  readonly env: Record<string, string>;
  readonly flags: readonly string[];
}

const ENV_WORD = /^[A-Z_]+=/;

function parseVariant(text: string): ProducerVariant {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const env = Object.fromEntries(
    words.filter((word) => ENV_WORD.test(word)).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
  return { label: text.trim() === '' ? '(node defaults)' : text.trim(), env, flags: words.filter((word) => !ENV_WORD.test(word)) };
}

async function startProducer(brokers: string[], port: number, variant: ProducerVariant): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...variant.flags, join(root, 'services/producer/dist/main.js')], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...variant.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KAFKA_BROKERS: brokers.join(','),
      INGEST_TOKENS: TOKEN,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return untilReady(child, 'producer', port);
}

async function httpIngest(port: number, batches: IngestEventInput[][]): Promise<number> {
  const bodies = batches.map((b) => JSON.stringify(b));
  const total = Math.ceil(EVENTS / BATCH);
  const url = `http://127.0.0.1:${port}/v1/events`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  let next = 0;
  let failed = 0;
  // A closed loop of CONCURRENCY keep-alive clients, like the raw kafkajs leg's in-flight sends.
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const body = bodies[next++ % bodies.length]!;
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== 202) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (failed) throw new Error(`HTTP leg: ${failed} of ${total} requests were not answered 202`);
  return (total * BATCH) / seconds;
}

function producerPerformance(brokers: string[], classpath: string): number | undefined {
  const run = spawnSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      classpath,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      'bench.producer-performance',
      '--num-records',
      String(EVENTS),
      '--record-size',
      String(EVENT_BYTES),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers.join(',')}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  const line = run.stdout
    .split('\n')
    .reverse()
    .find((l) => l.includes('records/sec'));
  const rate = /([\d.]+) records\/sec/.exec(line ?? '')?.[1];
  return rate ? Number(rate) : undefined;
}

async function main(): Promise<void> {
  const broker = await provideKafkaBroker({ heapMb: 1024 });
  const producers: ChildProcess[] = [];
  try {
    const brokers = broker.brokers;
    const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench.producer-performance', numPartitions: 6 }], waitForLeaders: true });
    await admin.disconnect();
    const batches = Array.from({ length: 20 }, (_, seed) => makeBatch(seed));
    // Each variant is a producer process of its own; all of them and the raw leg alternate in
    // every round, so load from elsewhere on the machine falls on all legs; medians.
    // Unset: the producer as the images and npm start run it.
    const shipped = `MALLOC_ARENA_MAX=${SERVICE_PROCESS_ENV.MALLOC_ARENA_MAX} ${SERVICE_PROCESS_ENV.NODE_OPTIONS}`;
    const variants = (process.env['BENCH_PRODUCER_VARIANTS'] ?? process.env['BENCH_PRODUCER_NODE_OPTIONS'] ?? shipped).split('|').map(parseVariant);
    const legs: { variant: ProducerVariant; port: number; process: ChildProcess; idle?: MemorySample; peak?: MemorySample; rates: number[] }[] = [];
    for (const variant of variants) {
      const port = await freePort();
      const child = await startProducer(brokers, port, variant);
      producers.push(child);
      legs.push({ variant, port, process: child, rates: [] });
    }
    for (const leg of legs) {
      // Warm each path (JIT, connections, topic metadata) before measuring.
      await httpIngest(leg.port, batches.slice(0, 2)).catch(() => undefined);
      await sleep(2_000);
      leg.idle = await sampleMemory(leg.port);
    }
    const rawRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const leg of legs) {
        const measured = await withMemorySamples(leg.port, () => httpIngest(leg.port, batches));
        leg.rates.push(measured.result);
        if (measured.peak !== undefined && (leg.peak === undefined || measured.peak.rss > leg.peak.rss)) leg.peak = measured.peak;
      }
      rawRates.push(await rawKafkajs(brokers, batches));
    }
    const raw = median(rawRates);
    let java: number | undefined;
    if (spawnSync('java', ['-version']).status === 0) java = producerPerformance(brokers, (await ensureKafkaDistribution()).classpath);

    const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    const breakdown = (sample: MemorySample) =>
      `RSS ${mb(sample.rss)}: V8 heap ${mb(sample.heapTotal)} (used ${mb(sample.heapUsed)}; new space ${mb(sample.newSpace)}, old space ${mb(sample.oldSpace)}), external ${mb(sample.external)}, the rest (code, native) ${mb(sample.rss - sample.heapTotal - sample.external)}`;
    console.log(
      `\ningest benchmark — ${EVENTS} events of ~${EVENT_BYTES} B, batches of ${BATCH}, ${CONCURRENCY} in flight, ${ROUNDS} rounds (medians), ${broker.kind} broker`,
    );
    console.log(`  raw kafkajs producer              ${fmt(raw)}`);
    console.log(`  Kafka ProducerPerformance (Java)  ${java === undefined ? 'n/a (no java)' : fmt(java)}`);
    const results = legs.map((leg) => {
      const ratios = leg.rates.map((rate, round) => rate / rawRates[round]!);
      const rss = peakRssMb(leg.process.pid!);
      console.log(`  producer ${leg.variant.label}`);
      console.log(`    POST /v1/events                 ${fmt(median(leg.rates))}`);
      console.log(
        `    ratio HTTP / raw kafkajs        ${median(ratios).toFixed(2)} median of rounds ${ratios.map((r) => r.toFixed(2)).join(' ')}  (goal >= ${GOAL_RATIO})`,
      );
      if (java !== undefined) console.log(`    ratio HTTP / ProducerPerformance ${(median(leg.rates) / java).toFixed(2)}`);
      console.log(`    peak RSS                        ${rss.toFixed(0)} MB  (goal < ${GOAL_RSS_MB} MB)`);
      if (leg.idle !== undefined) console.log(`    idle after warm-up              ${breakdown(leg.idle)}`);
      if (leg.peak !== undefined) console.log(`    at the highest sampled RSS      ${breakdown(leg.peak)}`);
      return {
        variant: leg.variant.label,
        http: median(leg.rates),
        ratioRaw: median(ratios),
        ratios,
        ratioJava: java ? median(leg.rates) / java : null,
        peakRssMb: rss,
        idleSample: leg.idle,
        peakSample: leg.peak,
      };
    });
    console.log(JSON.stringify({ events: EVENTS, rounds: ROUNDS, raw, java, producers: results }));
  } finally {
    for (const producer of producers) producer.kill('SIGTERM');
    await broker.stop();
  }
}

await main();
