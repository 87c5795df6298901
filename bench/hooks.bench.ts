/**
 * npm run bench:hooks — hook runs per second through the hook-executor (Kafka event ->
 * sandboxed warm python3 -> result record on Kafka) beside, at the same concurrency and in
 * the same run, alternating: spawning `python3 <hook>` directly (the baseline), and spawning
 * it in a bwrap sandbox of its own (the sandbox's cost alone); then, below the executor's
 * own saturation, the delay from an event being acknowledged by Kafka to its hook starting
 * (p50, p99); and the peak RSS of the executor plus its warm interpreter. Bounded:
 * BENCH_HOOK_RUNS runs per leg, BENCH_DELAY_SAMPLES paced events per load
 * (BENCH_DELAY_LOADS: fractions of the executor's measured rate).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  buildEvent,
  encodeEvent,
  getEventContract,
  hookExecutionRecordCodec,
  TOPICS,
  type HookExecutionRecord,
  type IngestEventInput,
} from '@hookline/contracts';
import { freePort, provideKafkaBroker } from '@hookline/kafka-broker';
import {
  BWRAP,
  bwrapArgs,
  bwrapEnvironment,
  bwrapSpawnOptions,
  DEFAULT_LIMITS,
  DEFAULT_SANDBOX_UID,
  makeReachable,
  SANDBOX_PATH,
  SANDBOX_PATHS,
  type SandboxOptions,
} from '@hookline/hook-executor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env['BENCH_HOOK_RUNS'] ?? 600);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const DELAY_SAMPLES = Number(process.env['BENCH_DELAY_SAMPLES'] ?? 100);
// Paced legs, as fractions of the executor's rate measured in the same run: below saturation.
const DELAY_LOADS = (process.env['BENCH_DELAY_LOADS'] ?? '0.25,0.5').split(',').map(Number);
const INTERPRETER = process.env['BENCH_INTERPRETER'] ?? 'python3';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const GOAL_RATIO = 5;
const GOAL_P99_MS = 20;
const GOAL_P99_LOAD = 0.5;
const GOAL_RSS_MB = 250;
const SANDBOX: SandboxOptions = { enabled: true, network: 'keep', limits: DEFAULT_LIMITS, uid: process.getuid?.() === 0 ? DEFAULT_SANDBOX_UID : undefined };
// A trivial hook: reads its payload, as every real one does.
const HOOK = 'import json, os\njson.loads(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])\n';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

function runbooksRepository(dir: string): { url: string; hookFile: string } {
  const work = join(dir, 'runbooks');
  mkdirSync(join(work, 'hoop-hooks'), { recursive: true });
  const hookFile = join(work, 'hoop-hooks', 'session-close.runbook.py');
  writeFileSync(hookFile, HOOK);
  git(dir, 'init', '-q', '--initial-branch=main', work);
  git(work, 'add', '-A');
  git(work, 'commit', '-qm', 'bench hook');
  return { url: pathToFileURL(work).href, hookFile };
}

/**
 * `python3 <file>` spawned CONCURRENCY at a time, each with a payload in its environment;
 * sandboxed: each in a bwrap sandbox of its own (as the executor starts a non-python
 * interpreter). The same python either way: found on the sandbox's PATH.
 */
async function spawns(hookFile: string, runs: number, sandboxed: boolean): Promise<number> {
  const payload = JSON.stringify({ id: 'x', sid: 'y', command: null, event_session_open: null, event_session_close: { exit_code: 0, output: '' } });
  const env = { PATH: SANDBOX_PATH, HOOP_RUNBOOK_HOOK_PAYLOAD: payload };
  const hookDir = dirname(dirname(hookFile));
  if (sandboxed) await makeReachable(SANDBOX, hookFile);
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      let child: ChildProcess;
      let fd: number | undefined;
      if (sandboxed) {
        fd = openSync(hookDir, 'r');
        const args = [...bwrapArgs(SANDBOX, [[3, SANDBOX_PATHS.snapshot, false]]), INTERPRETER, `${SANDBOX_PATHS.snapshot}/${relative(hookDir, hookFile)}`];
        child = spawn(BWRAP, args, { ...bwrapSpawnOptions(SANDBOX, { ...bwrapEnvironment(), ...env }, [fd]), stdio: ['ignore', 'pipe', 'pipe', fd] });
      } else {
        child = spawn(INTERPRETER, [hookFile], { cwd: dirname(hookFile), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      }
      child.stdout!.resume();
      const stderr: Buffer[] = [];
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (fd !== undefined) closeSync(fd);
        if (code === 0) resolve();
        else reject(new Error(`${sandboxed ? 'sandboxed' : 'raw'} hook exit ${code}: ${Buffer.concat(stderr).toString('utf8').slice(0, 300)}`));
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < runs) {
        next += 1;
        await one();
      }
    }),
  );
  return runs / ((performance.now() - started) / 1000);
}

/**
 * Peak RSS of the executor plus its descendants alive now (bwrap, the warm interpreter and
 * its slots), and their PSS now (pages shared by several processes split between them: the
 * slots are forks of the warm interpreter and share most of its pages).
 */
function treePeakRssMb(pid: number): { executor: number; warm: number; executorPss: number; warmPss: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  let warm = 0;
  let warmPss = 0;
  const pending = [...(children.get(pid) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    try {
      warm += peakRssMb(next);
      warmPss += pssMb(next);
    } catch {
      // gone
    }
    pending.push(...(children.get(next) ?? []));
  }
  return { executor: peakRssMb(pid), warm, executorPss: pssMb(pid), warmPss };
}

function pssMb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function closeEvent(sid: string, id: string): IngestEventInput {
  return { type: 'session.close', id, data: { ...getEventContract('session.close').example, sid } };
}

class Results {
  readonly records = new Map<string, HookExecutionRecord>();
  readonly seenAt = new Map<string, number>();
  constructor(readonly consumer: Consumer) {}
  async until(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ids.every((id) => this.records.has(id))) {
      if (Date.now() > deadline) throw new Error(`only ${ids.filter((id) => this.records.has(id)).length} of ${ids.length} hook records arrived`);
      await sleep(20);
    }
  }
}

async function readResults(kafka: Kafka): Promise<Results> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(TOPICS.hookExecutions);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
  const results = new Results(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.hookExecutions, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      const record = hookExecutionRecordCodec.decode(message.value);
      results.records.set(record.event_id, record);
      results.seenAt.set(record.event_id, Date.now());
      return Promise.resolve();
    },
  });
  // The group may still be forming on a fresh broker: seek once it exists.
  for (let tries = 0; ; tries += 1) {
    try {
      for (const { partition, high } of offsets) consumer.seek({ topic: TOPICS.hookExecutions, partition, offset: high });
      break;
    } catch (error) {
      if (tries >= 100) throw error;
      await sleep(200);
    }
  }
  return results;
}

async function send(producer: Producer, inputs: readonly IngestEventInput[]): Promise<void> {
  const encoded = inputs.map((input) => encodeEvent(buildEvent(input)));
  await producer.send({ topic: TOPICS.gatewaySessions, acks: -1, messages: encoded.map((e) => ({ key: e.key, value: e.value, headers: e.headers })) });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function startExecutor(brokers: string[], url: string, workDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'services/hook-executor/dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      KAFKA_BROKERS: brokers.join(','),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      KAFKA_GROUP_ID: `bench-hooks-${Date.now()}`,
      RUNBOOKS_GIT_URL: url,
      GIT_HOOK_CONFIG_TTL: '3600',
      RUNBOOKS_DIR: join(workDir, 'executor'),
      HOOK_CONCURRENCY: String(CONCURRENCY),
      HOOK_INTERPRETER: INTERPRETER,
      KAFKA_TOPIC_PARTITIONS: '12',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return { child, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the hook-executor did not become ready');
    await sleep(200);
  }
}

/** Median wall time of the hook runs of `ids`, as the executor recorded them. */
function paced50(results: Results, ids: readonly string[]): number {
  return percentile(
    ids.map((id) => results.records.get(id)!.duration_ms).sort((a, b) => a - b),
    50,
  );
}

async function main(): Promise<void> {
  const broker = await provideKafkaBroker({ heapMb: 1024 });
  const workDir = mkdtempSync(join(tmpdir(), 'hookline-bench-hooks-'));
  let executor: ChildProcess | undefined;
  let results: Results | undefined;
  const kafka = new Kafka({ clientId: 'bench-hooks', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    const { url, hookFile } = runbooksRepository(workDir);
    const started = await startExecutor(broker.brokers, url, workDir);
    executor = started.child;
    await producer.connect();
    results = await readResults(kafka);
    const tag = Date.now().toString(36);

    // Warm up every path (page cache, JIT, connections, group assignment, the warm interpreter).
    await spawns(hookFile, CONCURRENCY * 2, false);
    await spawns(hookFile, CONCURRENCY * 2, true);
    const warm = Array.from({ length: CONCURRENCY * 2 }, (_, i) => `warm-${tag}-${i}`);
    await send(
      producer,
      warm.map((id, i) => closeEvent(`warm-${tag}-${i}`, id)),
    );
    await results.until(warm, 60_000);

    // Throughput: every event its own session, so only HOOK_CONCURRENCY bounds the runs at once.
    // The legs alternate in rounds, so a change in the machine's other load hits both alike.
    // Per round: each leg's rate; the result is the median round (this machine's other load drifts).
    const rounds: { raw: number; sandboxed: number; executor: number }[] = [];
    const ids: string[] = [];
    const perRound = Math.ceil(RUNS / ROUNDS);
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawRate = await spawns(hookFile, perRound, false);
      const sandboxedRate = await spawns(hookFile, perRound, true);
      const roundIds = Array.from({ length: perRound }, (_, i) => `run-${tag}-${round}-${i}`);
      const t0 = performance.now();
      await send(
        producer,
        roundIds.map((id, i) => closeEvent(`bench-${tag}-${round}-${i}`, id)),
      );
      await results.until(roundIds, 600_000);
      rounds.push({ raw: rawRate, sandboxed: sandboxedRate, executor: perRound / ((performance.now() - t0) / 1000) });
      ids.push(...roundIds);
    }
    const median = (values: number[]): number =>
      percentile(
        [...values].sort((a, b) => a - b),
        50,
      );
    const raw = median(rounds.map((r) => r.raw));
    const sandboxedSpawn = median(rounds.map((r) => r.sandboxed));
    const executorRate = median(rounds.map((r) => r.executor));
    const ratio = median(rounds.map((r) => r.executor / r.raw));
    const failures = ids.filter((id) => results!.records.get(id)?.outcome !== 'success').length;

    // Start delay below saturation: paced single events; delay = hook start - Kafka ack.
    const delayLegs: { load: number; rate: number; p50: number; p99: number; max: number }[] = [];
    for (const load of DELAY_LOADS) {
      const rate = Math.max(1, Math.round(executorRate * load * 10) / 10);
      const ackedAt = new Map<string, number>();
      const paced = Array.from({ length: DELAY_SAMPLES }, (_, i) => `delay-${rate}-${tag}-${i}`);
      for (const [i, id] of paced.entries()) {
        await send(producer, [closeEvent(`delay-${rate}-${tag}-${i}`, id)]);
        ackedAt.set(id, Date.now());
        await sleep(1000 / rate);
      }
      await results.until(paced, 120_000);
      const delays = paced.map((id) => Date.parse(results!.records.get(id)!.started_at) - ackedAt.get(id)!).sort((a, b) => a - b);
      delayLegs.push({ load, rate, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays.at(-1)! });
    }
    const hookMs = paced50(results, ids);
    const tree = treePeakRssMb(executor.pid!);
    const rss = tree.executor + tree.warm;

    const worst = delayLegs.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const goalLeg = delayLegs.find((leg) => leg.load === GOAL_P99_LOAD) ?? worst;
    console.log(
      `\nhooks benchmark — ${ids.length} runs of a trivial ${INTERPRETER} hook per leg (${ROUNDS} alternating rounds, medians), concurrency ${CONCURRENCY}, ${broker.kind} broker`,
    );
    console.log(`  raw spawn of ${INTERPRETER} <hook>                 ${raw.toFixed(1)} runs/s`);
    console.log(
      `  the same spawn in a bwrap sandbox               ${sandboxedSpawn.toFixed(1)} runs/s  (sandbox alone: x${(sandboxedSpawn / raw).toFixed(2)} the raw rate, +${((1000 * CONCURRENCY) / sandboxedSpawn - (1000 * CONCURRENCY) / raw).toFixed(1)} ms per run)`,
    );
    console.log(
      `  hook-executor (Kafka -> warm sandboxed hook -> record) ${executorRate.toFixed(1)} runs/s${failures > 0 ? `  (${failures} runs not successful!)` : ''}`,
    );
    console.log(
      `  ratio executor / raw spawn (median round)       ${ratio.toFixed(2)}  (rounds ${rounds.map((r) => (r.executor / r.raw).toFixed(2)).join(', ')}; goal >= ${GOAL_RATIO}) ${ratio >= GOAL_RATIO ? 'met' : 'MISSED'}`,
    );
    console.log(`  hook run time (p50, in the throughput leg)      ${hookMs.toFixed(0)} ms`);
    for (const leg of delayLegs) {
      const goal = leg === goalLeg ? `  (goal p99 < ${GOAL_P99_MS} ms) ${leg.p99 < GOAL_P99_MS ? 'met' : 'MISSED'}` : '';
      console.log(
        `  start delay at ${String(leg.rate).padStart(5)} events/s (${Math.round(leg.load * 100)}% of the executor's rate; ack -> hook start) p50 ${leg.p50} ms, p99 ${leg.p99} ms, max ${leg.max} ms${goal}`,
      );
    }
    console.log(
      `  peak RSS executor ${tree.executor.toFixed(0)} MB + warm interpreter ${tree.warm.toFixed(0)} MB = ${rss.toFixed(0)} MB  (goal < ${GOAL_RSS_MB} MB) ${rss < GOAL_RSS_MB ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  PSS now (shared pages split)  executor ${tree.executorPss.toFixed(0)} MB + warm interpreter and slots ${tree.warmPss.toFixed(0)} MB = ${(tree.executorPss + tree.warmPss).toFixed(0)} MB`,
    );
    console.log(
      JSON.stringify({
        runs: RUNS,
        concurrency: CONCURRENCY,
        rounds,
        raw,
        sandboxedSpawn,
        executor: executorRate,
        ratio,
        hookRunP50Ms: hookMs,
        delays: delayLegs,
        goalP99Ms: goalLeg.p99,
        peakRssMb: rss,
        executorRssMb: tree.executor,
        warmRssMb: tree.warm,
        pssMb: tree.executorPss + tree.warmPss,
        warmPssMb: tree.warmPss,
        failures,
      }),
    );
  } finally {
    await results?.consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    if (executor !== undefined && executor.exitCode === null) {
      const exited = new Promise((resolve) => executor!.once('exit', resolve));
      executor.kill('SIGTERM');
      await exited;
    }
    rmSync(workDir, { recursive: true, force: true });
    await broker.stop();
  }
}

await main();
