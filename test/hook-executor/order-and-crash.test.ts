// Per-session order with many sessions in flight, and at-least-once across a crash:
// the executor (a child process) killed with SIGKILL mid-batch, restarted in the same
// consumer group, runs every event's hook at least once and skips none.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';
import {
  NO_BROKER_SKIP,
  brokersFromEnv,
  positionGroupAtEnd,
  sessionClose,
  sessionOpen,
  startExecutor,
  uniqueId,
  type RunningExecutor,
  startHookStage,
  type HookStageWithRunbooks,
} from './executor-harness.js';

// Appends "<sid> <event id> <seq> <start> <end>" once the run is done; sleeps a little so runs overlap.
const LOGGING_HOOK = String.raw`
import json, os, time, urllib.request
payload = json.loads(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])
start = time.time()
time.sleep(float(os.environ.get("HOOK_SLEEP", "0.03")))
opened = payload["event_session_open"]
seq = opened["input"] if opened else "close"
# The hook runs sandboxed (it cannot write the test's files): it reports to the test's receiver, as a hook forwards to a SIEM.
line = "%s %s %s %.6f %.6f\n" % (payload["sid"], payload["id"], seq, start, time.time())
urllib.request.urlopen(os.environ["RUN_LOG"], data=line.encode(), timeout=10).read()
`;

interface Run {
  sid: string;
  id: string;
  seq: string;
  start: number;
  end: number;
}

/** The lines hooks posted, by log name (the URL's path). */
const logs = new Map<string, string>();

/** Collects what hooks post to http://127.0.0.1:<port>/<log name>. */
async function startReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const name = request.url ?? '/';
      logs.set(name, (logs.get(name) ?? '') + Buffer.concat(chunks).toString('utf8'));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function readRuns(name: string): Run[] {
  return (logs.get(name) ?? '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sid, id, seq, start, end] = line.split(' ');
      return { sid: sid!, id: id!, seq: seq!, start: Number(start), end: Number(end) };
    });
}

void describe('order and crashes', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: HookStageWithRunbooks;
  let receiver: { url: string; close: () => Promise<void> };
  const executors: RunningExecutor[] = [];

  before(async () => {
    stage = await startHookStage({ files: { 'hoop-hooks/session-open.runbook.py': LOGGING_HOOK, 'hoop-hooks/session-close.runbook.py': LOGGING_HOOK } });
    receiver = await startReceiver();
  });

  afterEach(async () => {
    for (const executor of executors.splice(0)) await executor.stop();
  });

  after(() => closeAll(stage, receiver));

  function env(runLog: string, concurrency: number): Record<string, string> {
    return {
      RUNBOOKS_GIT_URL: stage.fixture.fileUrl,
      GIT_HOOK_CONFIG_TTL: '300',
      HOOK_CONCURRENCY: String(concurrency),
      HOOK_ENV_RUN_LOG: `${receiver.url}${runLog}`,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
  }

  void it("runs one session's hooks in event order, different sessions at once (bounded)", async () => {
    const runLog = '/order';
    const concurrency = 6;
    const groupId = uniqueId('order');
    await positionGroupAtEnd(stage.admin, groupId);
    executors.push(await startExecutor({ groupId, env: env(runLog, concurrency) }));

    const sessions = Array.from({ length: 30 }, () => uniqueId('sid'));
    const perSession = 4;
    // Interleaved: every session's events are spread over the whole batch.
    const inputs = Array.from({ length: perSession }, (_, seq) => sessions.map((sid) => sessionOpen(sid, { input: String(seq), input_size: 1 }))).flat();
    const ids = await stage.sender.send(inputs);
    const records = await stage.reader.waitFor(ids, 60_000);
    assert.ok(
      records.every((r) => r.outcome === 'success'),
      'every run succeeded',
    );

    const runs = readRuns(runLog);
    assert.equal(runs.length, ids.length, 'each event ran once');
    for (const sid of sessions) {
      const mine = runs.filter((run) => run.sid === sid);
      assert.deepEqual(
        mine.map((run) => run.seq),
        ['0', '1', '2', '3'],
        `order of ${sid}`,
      );
      for (let i = 1; i < mine.length; i += 1) assert.ok(mine[i]!.start >= mine[i - 1]!.end, `${sid}: run ${i} started before run ${i - 1} ended`);
    }
    // Most runs at once: sweep over start/end times.
    const edges = runs
      .flatMap((run) => [
        { t: run.start, d: 1 },
        { t: run.end, d: -1 },
      ])
      .sort((a, b) => a.t - b.t || a.d - b.d);
    let now = 0;
    let most = 0;
    for (const edge of edges) {
      now += edge.d;
      most = Math.max(most, now);
    }
    assert.ok(most > 1, `different sessions ran concurrently (at most ${most} at once)`);
    assert.ok(most <= concurrency, `never more than HOOK_CONCURRENCY=${concurrency} at once (saw ${most})`);
  });

  void it('killed with SIGKILL mid-batch: after a restart every hook has run at least once, none skipped', async () => {
    const runLog = '/crash';
    const groupId = uniqueId('crash');
    await positionGroupAtEnd(stage.admin, groupId);
    const first = await startExecutor({ groupId, env: env(runLog, 4) });
    executors.push(first);
    const sids = Array.from({ length: 30 }, () => uniqueId('sid'));
    const inputs = Array.from({ length: 5 }, () => sids.map((sid) => sessionClose(sid))).flat();
    const ids = await stage.sender.send(inputs);

    await pollUntil(() => readRuns(runLog).length >= 20, { timeoutMs: 30_000, intervalMs: 20, what: '20 hook runs before the kill' });
    first.child.kill('SIGKILL');
    await first.exited();
    const ranBeforeKill = new Set(readRuns(runLog).map((run) => run.id));
    assert.ok(ranBeforeKill.size < ids.length, `the kill came mid-batch (${ranBeforeKill.size} of ${ids.length} had run)`);

    executors.push(await startExecutor({ groupId, env: env(runLog, 4) }));
    // A time budget, not a speed claim: the restart waits out the group's session timeout, and
    // 150 sandboxed runs at HOOK_CONCURRENCY=4 take a while on a loaded 2-core CI machine.
    let ranCount = 0;
    await pollUntil(
      () => {
        const ran = new Set(readRuns(runLog).map((run) => run.id));
        ranCount = ids.filter((id) => ran.has(id)).length;
        return ranCount === ids.length;
      },
      { timeoutMs: 180_000, what: 'every event hook run after the restart' },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} (${ranCount} of ${ids.length} ran)`);
    });
    const records = await stage.reader.waitFor(ids, 30_000);
    for (const id of ids) {
      const all = stage.reader.byEventId.get(id) ?? [];
      assert.ok(all.length >= 1);
      assert.ok(
        all.every((record) => record.outcome === 'success'),
        `${id}: ${all.map((r) => r.outcome).join(',')}`,
      );
    }
    assert.equal(records.length, ids.length);
    // Per session, the close hooks still ran in order within each executor's life: the log of a sid is never reordered.
    const runs = readRuns(runLog);
    for (const sid of sids) {
      const order = runs.filter((run) => run.sid === sid).map((run) => ids.indexOf(run.id));
      const firstTime = order.filter((index, at) => order.indexOf(index) === at);
      assert.deepEqual(
        firstTime,
        [...firstTime].sort((a, b) => a - b),
        `first runs of ${sid} in event order`,
      );
    }
  });
});
