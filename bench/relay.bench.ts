/**
 * npm run bench:relay — events/s relayed from Kafka to Svix by the svix-relay (a child
 * process, as in production) beside a raw HTTP load of the same create-message call at
 * the same concurrency (autocannon), both against the Svix stand-in answering at once, in
 * the same run; prints the rates, the ratio and the relay's peak RSS.
 * Bounded: BENCH_ROUNDS rounds (3) of BENCH_EVENTS events through the relay (default 20000)
 * and BENCH_RAW_SECONDS of raw load (5), alternating; BENCH_CONCURRENCY Svix calls at once in
 * both legs (16). The result is the median of the rounds. BENCH_RELAY_INSTANCES (1) relays in
 * one consumer group share the load and the BENCH_CONCURRENCY Svix calls (scaling out).
 * BENCH_RELAY_LEG: backlog (default; the relay drains events produced while it was frozen)
 * or live (produced while it runs). Also prints the CPU per event of the relay, the broker
 * (and how much of it was the JVM's JIT compilers) and the stand-in, and the raw leg's CPU per
 * call, which do not depend on the cores. The bench's own broker runs with
 * BENCH_BROKER_JVM_OPTIONS (default -XX:TieredStopAtLevel=1, see BROKER_JVM_OPTIONS).
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Kafka } from 'kafkajs';
import { Svix } from 'svix';
import { buildEvent, encodeEvent, getEventContract, type GatewayEvent } from '@hookline/contracts';
import { freePort, provideKafkaBroker } from '@hookline/kafka-broker';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { median, RELAY_PROCESS_ENV, startService, stopService, benchDatabase, relayGroupAtEnd } from './bench-services.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 200;
const TIMEOUT_MS = 300_000;
const RAW_SECONDS = Number(process.env['BENCH_RAW_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const RELAY_LEG = process.env['BENCH_RELAY_LEG'] ?? 'backlog';
/** Relay processes in the one consumer group; the Svix calls at once are split between them, so both legs still make CONCURRENCY at once. */
const INSTANCES = Number(process.env['BENCH_RELAY_INSTANCES'] ?? 1);
/**
 * Events relayed before the measured rounds, so that V8 has compiled the relay's hot paths:
 * with 500 the first round ran at ~25 % more relay CPU per event than the next ones.
 */
const WARM_UP_EVENTS = Number(process.env['BENCH_WARM_UP_EVENTS'] ?? 5_000);
/**
 * JVM options of the bench's own broker. A production broker has run for days and its JIT
 * compilers are idle; a broker started by the bench is not: with the JVM's default tiered
 * compilation its C1/C2 compiler threads still took 40-55 % of its CPU in the measured rounds
 * (after the warm-up), and on two cores that CPU comes out of the relay leg (the raw leg has
 * no broker). C1 only (`-XX:TieredStopAtLevel=1`) compiles within seconds and then
 * stays quiet, at the price of slower compiled code; the bench prints the compilers' share
 * either way. `BENCH_BROKER_JVM_OPTIONS=` (empty) runs the JVM's defaults.
 */
const BROKER_JVM_OPTIONS = (process.env['BENCH_BROKER_JVM_OPTIONS'] ?? '-XX:TieredStopAtLevel=1').split(/\s+/).filter((option) => option !== '');
const ORG = `bench-org-${Date.now().toString(36)}`;
const CONNECTION = 'pg-bench';

/** CPU seconds (user + system) in a /proc stat file (a process's or a thread's); /proc counts in clock ticks of 1/100 s. */
function statCpuSeconds(statPath: string): number {
  const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) a process used so far. */
function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU seconds each of a JVM's JIT compiler threads (`C1 CompilerThre`, `C2 CompilerThre`) used so
 * far, by thread id. The JVM starts and ends compiler threads as the compile queue grows and
 * shrinks, so a leg's JIT time is summed per thread (one that ended during the leg is not
 * counted: a lower bound).
 */
function jitCpuSeconds(pid: number): Map<string, number> {
  const threads = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!/^C\d CompilerThre/.test(readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8'))) continue;
      threads.set(task, statCpuSeconds(`/proc/${pid}/task/${task}/stat`));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

/** JIT CPU seconds between two jitCpuSeconds() snapshots, over the threads alive at the end. */
function jitCpuBetween(start: Map<string, number>, end: Map<string, number>): number {
  let seconds = 0;
  for (const [thread, total] of end) seconds += total - (start.get(thread) ?? 0);
  return seconds;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Realistic traffic: sessions (open + close on an enabled connection) and db role jobs. */
function makeEvents(count: number): GatewayEvent[] {
  const events: GatewayEvent[] = [];
  for (let index = 0; events.length < count; index += 1) {
    const sid = `bench-sid-${Date.now().toString(36)}-${index}`;
    if (index % 5 === 4) {
      const data = { ...getEventContract('dbroles.job.finished').example, org_id: ORG, id: `bench-job-${Date.now().toString(36)}-${index}` };
      events.push(buildEvent({ type: 'dbroles.job.finished', data }));
    } else {
      events.push(buildEvent({ type: 'session.open', data: { ...getEventContract('session.open').example, org_id: ORG, sid, connection_name: CONNECTION } }));
      events.push(buildEvent({ type: 'session.close', data: { ...getEventContract('session.close').example, org_id: ORG, sid } }));
    }
  }
  return events.slice(0, count);
}

function startRelay(brokers: string[], standIn: SvixStandIn, port: number, groupId: string, databaseUrl: string): Promise<ChildProcess> {
  return startService('svix-relay', port, {
    ...RELAY_PROCESS_ENV,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_ID: groupId,
    SVIX_AUTH_TOKEN: standIn.token,
    SVIX_SERVER_URL: standIn.url,
    ADMIN_TOKENS: ADMIN_TOKEN,
    SVIX_CONCURRENCY: String(CONCURRENCY / INSTANCES),
    ...(process.env['RELAY_KEY_CONCURRENCY'] === undefined ? {} : { RELAY_KEY_CONCURRENCY: process.env['RELAY_KEY_CONCURRENCY'] }),
    DATABASE_URL: databaseUrl,
  });
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** CPU seconds used so far by the relays, the broker (local one only) and this process (the stand-in; the producer too when live). */
interface CpuClock {
  relays(): number;
  broker(): number | undefined;
  /** Of broker(): the JVM's JIT compiler threads, by thread. */
  brokerJit(): Map<string, number> | undefined;
}

interface LegCpu {
  /** CPU µs per event in the timed window. */
  relayUs: number;
  brokerUs: number | undefined;
  /** Of brokerUs: the broker's JIT compilers. */
  brokerJitUs: number | undefined;
  benchUs: number;
}

/** The clocks' values when a leg's timed window starts. */
interface ClockReading {
  at: number;
  relays: number;
  broker: number | undefined;
  brokerJit: Map<string, number> | undefined;
  bench: number;
}

function benchCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * The relay leg: time until the stand-in holds a message for each event. As a backlog
 * (BENCH_RELAY_LEG=backlog, the default): the relays are frozen (SIGSTOP) while the events
 * are produced and the clock starts when they are resumed, so the leg times the relay
 * draining Kafka, not beside this process's producer, which would share the machine's
 * cores with it (the raw leg has no such third load). BENCH_RELAY_LEG=live produces while
 * the relays run, as the gateway does.
 */
async function relayLeg(
  kafka: Kafka,
  standIn: SvixStandIn,
  events: readonly GatewayEvent[],
  relays: readonly ChildProcess[],
  clock: CpuClock,
): Promise<{ rate: number; cpu: LegCpu }> {
  const backlog = RELAY_LEG === 'backlog';
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();
  const records = events.map((event) => encodeEvent(event));
  const baseline = standIn.messageCount(ORG);
  if (backlog) for (const relay of relays) relay.kill('SIGSTOP');
  const startClock = (): ClockReading => ({
    at: performance.now(),
    relays: clock.relays(),
    broker: clock.broker(),
    brokerJit: clock.brokerJit(),
    bench: benchCpuSeconds(),
  });
  let start = startClock();
  try {
    for (let first = 0; first < records.length; first += 1_000) {
      const slice = records.slice(first, first + 1_000);
      const byTopic = new Map<string, typeof slice>();
      for (const record of slice) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic,
          messages: messages.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        })),
      });
    }
    await producer.disconnect();
  } finally {
    if (backlog) {
      const frozenMs = performance.now() - start.at;
      start = startClock();
      for (const relay of relays) relay.kill('SIGCONT');
      // Frozen relays send no heartbeats: past the group's 30 s session timeout the broker
      // rebalances, and the leg then also times the group's rejoin.
      if (frozenMs > 20_000)
        console.warn(
          `relays were frozen ${Math.round(frozenMs / 1000)} s while the events were produced: near or past the 30 s session timeout, so this leg may include a rebalance; use fewer BENCH_EVENTS`,
        );
    }
  }
  await waitFor(`${events.length} publications`, () => standIn.messageCount(ORG) - baseline >= events.length);
  const seconds = (performance.now() - start.at) / 1000;
  const perEvent = (cpu: number): number => (cpu / events.length) * 1e6;
  const broker = clock.broker();
  const brokerJit = clock.brokerJit();
  return {
    rate: events.length / seconds,
    cpu: {
      relayUs: perEvent(clock.relays() - start.relays),
      brokerUs: broker === undefined || start.broker === undefined ? undefined : perEvent(broker - start.broker),
      brokerJitUs: brokerJit === undefined || start.brokerJit === undefined ? undefined : perEvent(jitCpuBetween(start.brokerJit, brokerJit)),
      benchUs: perEvent(benchCpuSeconds() - start.bench),
    },
  };
}

/** The raw leg: the same create-message call (unique eventId and idempotency-key each), closed loop, same concurrency. */
async function rawLeg(standIn: SvixStandIn, appId: string, payload: unknown, seconds: number): Promise<{ rate: number; benchUs: number }> {
  let sequence = 0;
  const started = performance.now();
  const cpuBefore = benchCpuSeconds();
  const result = await autocannon({
    url: `${standIn.url}/api/v1/app/${appId}/msg`,
    connections: CONCURRENCY,
    // A fixed duration rather than an amount: autocannon ends runs on whole-second ticks.
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          sequence += 1;
          const eventId = `raw-${sequence}`;
          return {
            ...request,
            headers: {
              ...request.headers,
              authorization: `Bearer ${standIn.token}`,
              'content-type': 'application/json',
              'idempotency-key': `raw-key-${sequence}`,
            },
            body: JSON.stringify({ eventType: 'session.open', eventId, payload }),
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(`raw leg: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  // autocannon's own duration is in whole seconds: time the leg here instead.
  return { rate: result.requests.total / ((performance.now() - started) / 1000), benchUs: ((benchCpuSeconds() - cpuBefore) / result.requests.total) * 1e6 };
}

async function main(): Promise<void> {
  const broker = await provideKafkaBroker({ heapMb: 1024, jvmOptions: BROKER_JVM_OPTIONS });
  const standIn = await SvixStandIn.start({ deliver: false });
  const relays: ChildProcess[] = [];
  if (RELAY_LEG !== 'backlog' && RELAY_LEG !== 'live') throw new Error(`BENCH_RELAY_LEG must be backlog or live, not ${RELAY_LEG}`);
  if (!Number.isInteger(INSTANCES) || INSTANCES < 1 || CONCURRENCY % INSTANCES !== 0)
    throw new Error(`BENCH_RELAY_INSTANCES must be a whole number >= 1 that divides BENCH_CONCURRENCY (${CONCURRENCY})`);
  const database = await benchDatabase('relay_bench');
  const databaseUrl = database.url;
  try {
    const { kafka, groupId } = await relayGroupAtEnd(broker.brokers, 'bench-relay');

    for (let instance = 0; instance < INSTANCES; instance += 1) {
      const port = await freePort();
      relays.push(await startRelay(broker.brokers, standIn, port, groupId, databaseUrl));
      // Through each instance's API: each then knows the connection at once, not after its next refresh.
      const plugin = await fetch(`http://127.0.0.1:${port}/v1/plugins/webhooks/connections/${ORG}/${CONNECTION}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      if (!plugin.ok) throw new Error(`enabling the plugin failed: ${plugin.status}`);
      const consumerDeadline = Date.now() + 60_000;
      while (!/"state":"running"/.test(await (await fetch(`http://127.0.0.1:${port}/health/ready`)).text())) {
        if (Date.now() > consumerDeadline) throw new Error('relay consumer not running within 60 s');
        await sleep(200);
      }
    }
    const brokerPid = broker.pid;
    const clock: CpuClock = {
      relays: () => relays.reduce((sum, relay) => sum + cpuSeconds(relay.pid!), 0),
      broker: () => (brokerPid === undefined ? undefined : cpuSeconds(brokerPid)),
      brokerJit: () => (brokerPid === undefined ? undefined : jitCpuSeconds(brokerPid)),
    };

    // Warm up (JIT, connections, the org's app), then measure. The legs alternate, ROUNDS
    // times: this machine's other load drifts, and a ratio of two legs run minutes apart
    // measures the drift; the median of the rounds' ratios is the result.
    await relayLeg(kafka, standIn, makeEvents(WARM_UP_EVENTS), relays, clock);
    const payload = getEventContract('session.open').example;
    const rounds: { relay: number; raw: number; ratio: number; cpu: LegCpu; rawBenchUs: number }[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Each round's relay leg starts from an empty stand-in, as each raw leg does: thousands of
      // stored messages and requests slow the stand-in's process (its GC), not the relay.
      standIn.forgetMessages();
      // CPU per event does not depend on what else the machine runs, unlike the rates.
      const { rate: relayRate, cpu } = await relayLeg(kafka, standIn, makeEvents(EVENTS), relays, clock);
      // The raw leg gets a fresh stand-in each round: the relay leg's stored messages must not slow it down.
      const rawStandIn = await SvixStandIn.start({ deliver: false });
      try {
        const app = await new Svix(rawStandIn.token, { serverUrl: rawStandIn.url }).application.getOrCreate({ name: ORG, uid: ORG });
        await rawLeg(rawStandIn, app.id, payload, 1).catch(() => undefined);
        const raw = await rawLeg(rawStandIn, app.id, payload, RAW_SECONDS);
        rounds.push({ relay: relayRate, raw: raw.rate, ratio: relayRate / raw.rate, cpu, rawBenchUs: raw.benchUs });
        console.log(
          `round ${round}/${ROUNDS}: relay ${Math.round(relayRate)} events/s, raw ${Math.round(raw.rate)} events/s, ratio ${(relayRate / raw.rate).toFixed(2)}; ` +
            `CPU µs/event: relay ${cpu.relayUs.toFixed(0)}, broker ${cpu.brokerUs?.toFixed(0) ?? '?'} (JIT ${cpu.brokerJitUs?.toFixed(0) ?? '?'}), stand-in ${cpu.benchUs.toFixed(0)}; raw leg ${raw.benchUs.toFixed(0)}`,
        );
      } finally {
        await rawStandIn.close();
      }
    }
    // With several instances: the largest one's (the goal is per relay process).
    const rss = Math.max(...relays.map((relay) => peakRssMb(relay.pid!)));
    const med = median;
    const relayRate = med(rounds.map((r) => r.relay));
    const rawRate = med(rounds.map((r) => r.raw));
    const ratio = med(rounds.map((r) => r.ratio));
    const relayCpuUs = med(rounds.map((r) => r.cpu.relayUs));
    const brokerCpuUs = rounds.every((r) => r.cpu.brokerUs !== undefined) ? med(rounds.map((r) => r.cpu.brokerUs!)) : undefined;
    const brokerJitUs = rounds.every((r) => r.cpu.brokerJitUs !== undefined) ? med(rounds.map((r) => r.cpu.brokerJitUs!)) : undefined;
    const standInCpuUs = med(rounds.map((r) => r.cpu.benchUs));
    const rawCpuUs = med(rounds.map((r) => r.rawBenchUs));

    const fmt = (n: number): string => `${Math.round(n).toLocaleString('en-US')} events/s`;
    console.log(
      `\nrelay benchmark — ${EVENTS} events a round (sessions + db role jobs), ${ROUNDS} rounds (medians), ${CONCURRENCY} Svix calls at once, ${INSTANCES === 1 ? 'one relay' : `${INSTANCES} relays in one group`}, ${RELAY_LEG === 'backlog' ? 'draining a backlog' : 'live'}, ${broker.kind} broker, PostgreSQL, Svix stand-in answering at once`,
    );
    console.log(`  Kafka → svix-relay → Svix            ${fmt(relayRate)}`);
    console.log(`  raw create-message load (autocannon) ${fmt(rawRate)}`);
    console.log(
      `  ratio relay / raw                    ${ratio.toFixed(2)}  (goal >= ${GOAL_RATIO}; rounds ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')})`,
    );
    console.log(`  relay CPU per event                  ${relayCpuUs.toFixed(0)} µs${INSTANCES === 1 ? '' : ' (all instances)'}`);
    // The machine's CPU per create-message call in each leg: what the legs cost, whatever the cores.
    console.log(
      `  machine CPU per event, relay leg     ${(relayCpuUs + (brokerCpuUs ?? 0) + standInCpuUs).toFixed(0)} µs (relay ${relayCpuUs.toFixed(0)} + broker ${brokerCpuUs === undefined ? 'not measured' : `${brokerCpuUs.toFixed(0)}, of it JIT ${brokerJitUs?.toFixed(0) ?? '?'},`} + stand-in ${standInCpuUs.toFixed(0)}${RELAY_LEG === 'live' ? ' with the producer' : ''})`,
    );
    if (broker.kind === 'local') console.log(`  broker JVM options                   ${BROKER_JVM_OPTIONS.join(' ') || "the JVM's defaults"}`);
    console.log(`  machine CPU per call, raw leg        ${rawCpuUs.toFixed(0)} µs (autocannon + stand-in, one process)`);
    console.log(`  relay peak RSS                       ${rss.toFixed(0)} MB  (goal < ${GOAL_RSS_MB} MB${INSTANCES === 1 ? '' : '; the largest instance'})`);
    console.log(
      JSON.stringify({
        events: EVENTS,
        rounds: ROUNDS,
        concurrency: CONCURRENCY,
        instances: INSTANCES,
        relay: relayRate,
        raw: rawRate,
        ratio,
        ratios: rounds.map((r) => r.ratio),
        relayLeg: RELAY_LEG,
        relayCpuUsPerEvent: relayCpuUs,
        brokerCpuUsPerEvent: brokerCpuUs,
        brokerJitCpuUsPerEvent: brokerJitUs,
        standInCpuUsPerEvent: standInCpuUs,
        rawCpuUsPerCall: rawCpuUs,
        peakRssMb: rss,
      }),
    );
  } finally {
    await Promise.all(relays.map((relay) => stopService(relay)));
    await standIn.close();
    await database.drop();
    await broker.stop();
  }
}

await main();
