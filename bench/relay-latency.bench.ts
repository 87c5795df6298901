/**
 * npm run bench:relay-latency — how long an event takes from the producer's 202 to its
 * create-message call arriving at Svix: paced dbroles.job.finished events, one a request,
 * through the producer, Kafka and the svix-relay (each its own process, as in production) to
 * the Svix stand-in answering at once. Rates alternate (BENCH_LATENCY_RATES, default
 * 250,1000 events/s) for BENCH_ROUNDS rounds (3) of BENCH_LATENCY_SECONDS (15) each; prints
 * each round's p50/p90/p99/max and the medians per rate. Goal: p99 < 50 ms at 1,000/s.
 * KAFKA_BROKERS points it at a running broker; BENCH_DATABASE_URL at a PostgreSQL database.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { getEventContract, type IngestEventInput } from '@hookline/contracts';
import { freePort, provideKafkaBroker } from '@hookline/kafka-broker';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { median, percentile, RELAY_PROCESS_ENV, startService, stopService, benchDatabase, relayGroupAtEnd } from './bench-services.js';

const RATES = (process.env['BENCH_LATENCY_RATES'] ?? '250,1000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 15);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const WARM_UP_SECONDS = 5;
const GOAL_P99_MS = 50;
const GOAL_RATE = 1_000;
const INGEST_TOKEN = 'bench-ingest-token-0123456789';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const ORG = `bench-org-${Date.now().toString(36)}`;

interface RoundResult {
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Events not at Svix within the wait after the round. */
  missing: number;
  /** Events the producer did not answer 202 (503: Kafka's acknowledgement took longer than KAFKA_SEND_TIMEOUT_MS). */
  refused: number;
}

/** A dbroles event with its id set here, so its arrival at Svix (eventId = the event's id) can be found. */
function event(): IngestEventInput & { id: string } {
  const data = { ...getEventContract('dbroles.job.finished').example, org_id: ORG, id: `job-${randomUUID()}` };
  return { id: randomUUID(), type: 'dbroles.job.finished', data };
}

/** POSTs one event; resolves with when the 202 came (Date.now()), or undefined when refused. A reset keep-alive socket is tried again. */
async function post(url: string, body: IngestEventInput): Promise<number | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
        body: JSON.stringify([body]),
      });
      const at = Date.now();
      await response.arrayBuffer();
      return response.status === 202 ? at : undefined;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Sends `rate` events a second for `seconds`, open loop (each on its own request, not waiting for the last), and measures 202 → Svix arrival. */
async function paced(producerUrl: string, standIn: SvixStandIn, rate: number, seconds: number): Promise<RoundResult> {
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  // An accepted event's latency counts from its 202; a refused one is counted, not timed.
  const accepted = new Map<string, number>();
  const sends: Promise<void>[] = [];
  let refused = 0;
  const started = performance.now();
  for (let n = 0; n < total; n += 1) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const body = event();
    sends.push(
      post(producerUrl, body).then((at) => {
        if (at === undefined) refused += 1;
        else accepted.set(body.id, at);
      }),
    );
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  const latencies: number[] = [];
  let missing = accepted.size;
  while (Date.now() < deadline) {
    latencies.length = 0;
    missing = 0;
    for (const [id, at] of accepted) {
      const arrived = standIn.messageCreatedAt(ORG, id);
      if (arrived === undefined) missing += 1;
      else latencies.push(arrived - at);
    }
    if (missing === 0) break;
    await sleep(200);
  }
  return {
    rate,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    missing,
    refused,
  };
}

async function main(): Promise<void> {
  const broker = await provideKafkaBroker({ heapMb: 1024 });
  const standIn = await SvixStandIn.start({ deliver: false });
  const children: ChildProcess[] = [];
  const database = await benchDatabase('relay_latency_bench');
  const databaseUrl = database.url;
  try {
    const { groupId } = await relayGroupAtEnd(broker.brokers, 'bench-relay-latency');
    const producerPort = await freePort();
    children.push(
      await startService('producer', producerPort, {
        KAFKA_BROKERS: broker.brokers.join(','),
        INGEST_TOKENS: INGEST_TOKEN,
        NODE_OPTIONS: process.env['BENCH_PRODUCER_NODE_OPTIONS'] ?? '',
      }),
    );
    const relayPort = await freePort();
    children.push(
      await startService('svix-relay', relayPort, {
        ...RELAY_PROCESS_ENV,
        KAFKA_BROKERS: broker.brokers.join(','),
        KAFKA_GROUP_ID: groupId,
        SVIX_AUTH_TOKEN: standIn.token,
        SVIX_SERVER_URL: standIn.url,
        ADMIN_TOKENS: ADMIN_TOKEN,
        DATABASE_URL: databaseUrl,
      }),
    );
    const consumerDeadline = Date.now() + 60_000;
    while (!/"state":"running"/.test(await (await fetch(`http://127.0.0.1:${relayPort}/health/ready`)).text())) {
      if (Date.now() > consumerDeadline) throw new Error('relay consumer not running within 60 s');
      await sleep(200);
    }
    const producerUrl = `http://127.0.0.1:${producerPort}/v1/events`;
    await paced(producerUrl, standIn, Math.max(...RATES), WARM_UP_SECONDS);

    const results: RoundResult[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const rate of RATES) {
        standIn.forgetMessages();
        const result = await paced(producerUrl, standIn, rate, SECONDS);
        results.push(result);
        console.log(
          `round ${round}/${ROUNDS}, ${rate} events/s: p50 ${result.p50} ms, p90 ${result.p90} ms, p99 ${result.p99} ms, max ${result.max} ms${result.missing > 0 ? `, ${result.missing} not at Svix after 30 s` : ''}${result.refused > 0 ? `, ${result.refused} of ${rate * SECONDS} not accepted by the producer (the machine could not keep the pace)` : ''}`,
        );
      }
    }
    console.log(
      `\nrelay latency — producer's 202 → create-message at the Svix stand-in; dbroles events, one a request, paced; ${ROUNDS} rounds of ${SECONDS} s a rate, alternating (medians); ${broker.kind} broker, PostgreSQL`,
    );
    const summary = RATES.map((rate) => {
      const of = results.filter((r) => r.rate === rate);
      const row = {
        rate,
        p50: median(of.map((r) => r.p50)),
        p90: median(of.map((r) => r.p90)),
        p99: median(of.map((r) => r.p99)),
        max: Math.max(...of.map((r) => r.max)),
        p99s: of.map((r) => r.p99),
      };
      console.log(
        `  ${String(rate).padStart(5)} events/s   p50 ${row.p50} ms   p90 ${row.p90} ms   p99 ${row.p99} ms (rounds ${row.p99s.join(', ')})   max ${row.max} ms${rate === GOAL_RATE ? `   (goal p99 < ${GOAL_P99_MS} ms)` : ''}`,
      );
      return row;
    });
    console.log(JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, summary }));
  } finally {
    for (const child of children.reverse()) await stopService(child);
    await standIn.close();
    await database.drop();
    await broker.stop();
  }
}

await main();
