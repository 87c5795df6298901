// examples/hoop-forwarder run as hoop's agent runs a runbook hook: `python3` with the hook's
// source on stdin, HOOP_RUNBOOK_HOOK_PAYLOAD = base64 of the payload JSON, only HOME and PATH
// beside it, in a directory that is not the repository. Against the real producer and broker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CE_HEADERS, TOPICS, decodeEvent } from '@hookline/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';
import { BOUND_ORG, BOUND_TOKEN, freshPayload, secretForms } from '../producer/hoop-hook-vectors.js';
import {
  NO_BROKER_SKIP, brokersFromEnv, endOffsets, readRecordsById, recordsBetween, startProducer, testKafka, uniqueId, type RunningProducer,
} from '../producer/producer-harness.js';

const HOOKS = join(process.cwd(), 'examples/hoop-forwarder/hoop-hooks');
const SPOOL = '.local/state/hookline/forwarder-spool.jsonl';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

type Payload = Record<string, unknown>;

/** Runs a hook the way hoop's agent does (agent/controller/system/runbookhook/runbookhook.go). */
async function runHook(hook: 'session-open' | 'session-close', payload: Payload | string, home: string): Promise<Run> {
  const source = await readFile(join(HOOKS, `${hook}.runbook.py`));
  const encoded = typeof payload === 'string' ? payload : Buffer.from(JSON.stringify(payload)).toString('base64');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [], { cwd: tmpdir(), env: { HOOP_RUNBOOK_HOOK_PAYLOAD: encoded, HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.end(source);
  });
}

async function newHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hookline-forwarder-home-'));
}

/** The agent's forwarder.ini (0600), outside any repository. */
async function configure(home: string, settings: Record<string, string>): Promise<string> {
  const dir = join(home, '.config/hookline');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'forwarder.ini');
  await writeFile(file, `[hookline]\n${Object.entries(settings).map(([key, value]) => `${key} = ${value}`).join('\n')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

async function spoolOf(home: string): Promise<{ text: string; dropped: number; entries: Payload[] }> {
  const text = await readFile(join(home, SPOOL), 'utf8');
  const [head, ...lines] = text.split('\n').filter((line) => line !== '');
  return { text, dropped: (JSON.parse(head ?? '{}') as { dropped: number }).dropped, entries: lines.map((line) => JSON.parse(line) as Payload) };
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of secretForms()) assert.ok(!text.includes(secret), `a connection env value reached ${where}`);
}

void describe('examples/hoop-forwarder (real python3, real producer and broker)', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let producer: RunningProducer;
  let kafka: Kafka;
  let admin: Admin;
  let down: string;
  let silent: TcpServer | undefined;
  let silentUrl: string;
  const held: Socket[] = [];
  const homes: string[] = [];
  const logs: string[] = [];

  const home = async (): Promise<string> => {
    const dir = await newHome();
    homes.push(dir);
    return dir;
  };

  before(async () => {
    producer = await startProducer({ INGEST_ORG_TOKENS: `${BOUND_ORG}=${BOUND_TOKEN}`, LOG_LEVEL: 'debug' }, { logDestination: { write: (line: string) => void logs.push(line) } });
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await pollUntil(() => endOffsets(admin), { timeoutMs: 30_000, what: 'leaders of the gateway topics' });
    // A port nothing listens on: hookline unreachable.
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    down = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // A server that accepts connections and never answers: every request times out.
    const server = createTcpServer((socket) => void held.push(socket));
    silent = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent?.close(() => resolve()));
    await closeAll(admin, producer);
    for (const dir of homes) await rm(dir, { recursive: true, force: true });
  });

  void it('ships session-open and session-close as one program, since hoop pipes each hook alone into python3', async () => {
    assert.deepEqual(await readFile(join(HOOKS, 'session-open.runbook.py')), await readFile(join(HOOKS, 'session-close.runbook.py')));
  });

  void it('forwards a session-open once: one record, mapped, with the time the hook ran and env names only', async () => {
    const dir = await home();
    await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    const payload = freshPayload('session-open');
    const before = await endOffsets(admin);
    const startedAt = Date.now();
    const run = await runHook('session-open', payload, dir);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /sent 1, waiting 0/);
    assert.equal(recordsBetween(before, await endOffsets(admin)), 1, 'forwarded exactly once');
    const { message } = (await readRecordsById(kafka, TOPICS.gatewaySessions, before, [payload.id])).get(payload.id)!;
    const event = decodeEvent(message);
    assert.equal(event.type, 'session.open');
    const data = event.data as Record<string, unknown>;
    assert.equal(data.org_id, BOUND_ORG);
    assert.equal(data.sid, payload.sid);
    assert.deepEqual(data.connection_env_keys, ['envvar:DB', 'envvar:HOST', 'envvar:PASS', 'envvar:PORT', 'envvar:USER']);
    const time = Date.parse(message.headers?.[CE_HEADERS.time]?.toString() ?? '');
    assert.ok(time >= startedAt - 1_000 && time <= Date.now(), 'ce_time is when the hook ran');
    assertNoSecret('Kafka', `${message.value?.toString() ?? ''}${JSON.stringify(message.headers)}`);
    assertNoSecret("the hook's output", run.stdout + run.stderr);
    const spool = await spoolOf(dir);
    assert.deepEqual(spool.entries, []);
    assert.equal((await stat(join(dir, SPOOL))).mode & 0o777, 0o600);
  });

  void it('spools when hookline is unreachable (names only, 0600), then sends it first on the next run, in order', async () => {
    const dir = await home();
    await configure(dir, { url: down, token: BOUND_TOKEN, budget_seconds: '2' });
    const sid = uniqueId('sid');
    const opened = freshPayload('session-open', sid);
    const closed = freshPayload('session-close', sid);
    const before = await endOffsets(admin);
    const first = await runHook('session-open', opened, dir);
    assert.equal(first.code, 75, first.stderr + first.stdout);
    assert.match(first.stdout, /sent 0, waiting 1 \(stopped: /);
    const spooled = await spoolOf(dir);
    assert.deepEqual(spooled.entries.map((entry) => entry.id), [opened.id]);
    assert.deepEqual((spooled.entries[0]!.event_session_open as Payload).connection_envs, ['envvar:DB', 'envvar:HOST', 'envvar:PASS', 'envvar:PORT', 'envvar:USER']);
    assert.ok(!('input_file' in spooled.entries[0]!), "the hook's own source is not kept");
    assertNoSecret('the spool', spooled.text);
    assertNoSecret("the hook's output", first.stdout + first.stderr);
    assert.equal((await stat(join(dir, SPOOL))).mode & 0o777, 0o600);
    assert.equal(recordsBetween(before, await endOffsets(admin)), 0);

    await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    const second = await runHook('session-close', closed, dir);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stdout, /sent 2, waiting 0/);
    const records = await readRecordsById(kafka, TOPICS.gatewaySessions, before, [opened.id, closed.id]);
    const open = records.get(opened.id)!;
    const close = records.get(closed.id)!;
    assert.equal(open.partition, close.partition, 'one session, one partition');
    assert.ok(BigInt(open.message.offset) < BigInt(close.message.offset), 'the spooled session.open went first');
    assert.ok(Date.parse(open.message.headers?.[CE_HEADERS.time]?.toString() ?? '') <= Date.parse(close.message.headers?.[CE_HEADERS.time]?.toString() ?? ''));
    assert.deepEqual((await spoolOf(dir)).entries, []);
  });

  void it('keeps the spool within its bounds: the oldest entries go, and are counted', async () => {
    const dir = await home();
    await configure(dir, { url: down, token: BOUND_TOKEN, budget_seconds: '1', spool_max_entries: '3' });
    const ids: unknown[] = [];
    let last: Run | undefined;
    for (let i = 0; i < 5; i++) {
      const payload = freshPayload('session-close');
      ids.push(payload.id);
      last = await runHook('session-close', payload, dir);
      assert.equal(last.code, 75, last.stderr);
    }
    let spool = await spoolOf(dir);
    assert.deepEqual(spool.entries.map((entry) => entry.id), ids.slice(2));
    assert.equal(spool.dropped, 2);
    assert.match(last?.stdout ?? '', /waiting 3, 2 dropped from a full spool so far/);

    // The byte bound: a few small entries fit, a 40 kB input pushes the older ones out, one too big for the spool goes itself.
    await configure(dir, { url: down, token: BOUND_TOKEN, budget_seconds: '1', spool_max_bytes: '50000' });
    const big = freshPayload('session-open');
    const bigPayload = { ...big, event_session_open: { ...(big.event_session_open as Payload), input: 'x'.repeat(40_000) } };
    await runHook('session-open', bigPayload, dir);
    spool = await spoolOf(dir);
    assert.ok(Buffer.byteLength(spool.text) <= 50_000 + 64, `spool of ${Buffer.byteLength(spool.text)} bytes`);
    assert.equal(spool.entries.at(-1)?.id, big.id);
    const huge = { ...big, id: uniqueId('huge'), event_session_open: { ...(big.event_session_open as Payload), input: 'y'.repeat(60_000) } };
    await runHook('session-open', huge, dir);
    spool = await spoolOf(dir);
    assert.ok(!spool.entries.some((entry) => entry.id === huge.id));
    assert.ok(spool.dropped >= 3);
  });

  void it('concurrent runs share the spool without corrupting it, and one later run sends them all', async () => {
    const dir = await home();
    await configure(dir, { url: down, token: BOUND_TOKEN, budget_seconds: '2' });
    const payloads = Array.from({ length: 6 }, () => freshPayload('session-close'));
    const runs = await Promise.all(payloads.map((payload) => runHook('session-close', payload, dir)));
    for (const run of runs) assert.equal(run.code, 75, run.stderr);
    const spool = await spoolOf(dir);
    assert.deepEqual(new Set(spool.entries.map((entry) => entry.id)), new Set(payloads.map((payload) => payload.id)));

    await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    const before = await endOffsets(admin);
    const last = freshPayload('session-close');
    const run = await runHook('session-close', last, dir);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /sent 7, waiting 0/);
    const ids = [...payloads, last].map((payload) => payload.id);
    assert.equal((await readRecordsById(kafka, TOPICS.gatewaySessions, before, ids)).size, 7);
  });

  void it("gives up within hoop's 15 s when hookline accepts connections but never answers (default budget)", async () => {
    const dir = await home();
    await configure(dir, { url: silentUrl, token: BOUND_TOKEN });
    const payload = freshPayload('session-close');
    const run = await runHook('session-close', payload, dir);
    assert.equal(run.code, 75, run.stderr + run.stdout);
    assert.ok(run.ms < 15_000, `the hook took ${Math.round(run.ms)} ms`);
    assert.deepEqual((await spoolOf(dir)).entries.map((entry) => entry.id), [payload.id]);
  });

  void it('a wrong token keeps the event in the spool (exit 1); a payload hookline refuses is reported and not retried', async () => {
    const dir = await home();
    await configure(dir, { url: producer.url, token: `${BOUND_TOKEN}-wrong` });
    const kept = freshPayload('session-close');
    const refused = await runHook('session-close', kept, dir);
    assert.equal(refused.code, 1, refused.stderr + refused.stdout);
    assert.match(refused.stdout, /HTTP 401/);
    assert.ok(!(refused.stdout + refused.stderr).includes(BOUND_TOKEN), 'the token is never printed');
    assert.deepEqual((await spoolOf(dir)).entries.map((entry) => entry.id), [kept.id]);

    await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    const open = freshPayload('session-open');
    const bad = { ...open, event_session_open: { ...(open.event_session_open as Payload), verb: 'plain-exec' } };
    const run = await runHook('session-open', bad, dir);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`event "${open.id}" refused by hookline, not retried: "HTTP 400 .*event_session_open\\.verb`));
    assert.match(run.stdout, /sent 1, waiting 0/, 'the kept event went; the refused one left the spool');
  });

  void it('refuses a setup that cannot work, saying why (exit 2)', async () => {
    const dir = await home();
    const payload = freshPayload('session-close');
    const missing = await runHook('session-close', payload, dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read config file .*forwarder\.ini/);
    const file = await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    await chmod(file, 0o644);
    const readable = await runHook('session-close', payload, dir);
    assert.equal(readable.code, 2);
    assert.match(readable.stderr, /may be read by other users: chmod 600/);
    await configure(dir, { url: producer.url });
    assert.match((await runHook('session-close', payload, dir)).stderr, /set token or token_file/);
    await configure(dir, { url: producer.url, token: BOUND_TOKEN });
    const garbage = await runHook('session-close', '%%% not base64 %%%', dir);
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /neither JSON nor base64 JSON/);
    // hookline's own hook-executor passes the payload as plain JSON: that works too.
    const plain = await runHook('session-close', JSON.stringify(payload), dir);
    assert.equal(plain.code, 0, plain.stderr + plain.stdout);
  });

  void it('never puts a connection env value in the producer logs', () => {
    assert.ok(logs.length > 0);
    assertNoSecret('the producer logs', logs.join(''));
  });
});
