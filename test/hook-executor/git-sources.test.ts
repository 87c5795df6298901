// Where hooks come from: a bare repository over file:// and over a git server on
// 127.0.0.1 (git http-backend behind Basic auth). Snapshots refresh after the TTL and
// not before; a git server that is down never stops hooks once a snapshot exists, and
// before the first snapshot the executor is not ready and consumes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '@hookline/kafka-broker';
import { pollUntil } from '@hookline/kafka/testing';
import { NO_BROKER_SKIP, brokersFromEnv, isReady, metricValue, sessionClose, sessionOpen, uniqueId, executorSuite } from './executor-harness.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { RunbooksFixture } from './runbooks-fixture.js';

const HOOK_V1 = 'print("hook v1")\n';
const HOOK_V2 = 'print("hook v2")\n';
const PASSWORD = 'Git-Secret-Pa55-0815';
const FETCHES = 'hookline_runbooks_fetch_total';

void describe('runbooks from git', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  const suite = executorSuite('git-sources', { HOOK_TIMEOUT_SECONDS: '10' });
  const { cleanup, executorFor } = suite;

  void it('file://: hooks run; a new commit is used after the TTL and not before', async () => {
    const ttlSeconds = 3;
    const fixture = RunbooksFixture.create();
    cleanup.push(() => fixture.remove());
    const first = fixture.commit({ 'hoop-hooks/session-open.runbook.py': HOOK_V1 });
    const executor = await executorFor({ RUNBOOKS_GIT_URL: fixture.fileUrl, GIT_HOOK_CONFIG_TTL: String(ttlSeconds) });
    await pollUntil(() => isReady(executor.url), { timeoutMs: 20_000, what: 'ready' });

    const [id1] = await suite.stage.sender.send([sessionOpen(uniqueId('sid'))]);
    const [r1] = await suite.stage.reader.waitFor([id1!]);
    assert.equal(r1!.outcome, 'success');
    assert.equal(r1!.git_commit, first);
    assert.equal(r1!.stdout.text, 'hook v1\n');

    // Catch the moment a refresh has just completed: the next one starts no sooner than TTL later.
    const fetchesBefore = await metricValue(executor.url, FETCHES, { result: 'success' });
    let lastPollBefore = Date.now();
    await pollUntil(
      async () => {
        const now = Date.now();
        const changed = (await metricValue(executor.url, FETCHES, { result: 'success' })) > fetchesBefore;
        if (!changed) lastPollBefore = now;
        return changed;
      },
      { timeoutMs: ttlSeconds * 1000 + 10_000, intervalMs: 25, what: 'a refresh' },
    );
    const second = fixture.commit({ 'hoop-hooks/session-open.runbook.py': HOOK_V2 });
    const [id2] = await suite.stage.sender.send([sessionOpen(uniqueId('sid'))]);
    const [r2] = await suite.stage.reader.waitFor([id2!]);
    const startedMs = Date.parse(r2!.started_at);
    assert.ok(
      startedMs < lastPollBefore + ttlSeconds * 1000,
      `the run started ${startedMs - lastPollBefore} ms after the refresh: too slow to check "not before"`,
    );
    assert.equal(r2!.git_commit, first, 'within the TTL the old snapshot is used, even though a new commit exists');
    assert.equal(r2!.stdout.text, 'hook v1\n');

    const pushedAt = Date.now();
    const r3 = await pollUntil(
      async () => {
        const [id] = await suite.stage.sender.send([sessionOpen(uniqueId('sid'))]);
        const [record] = await suite.stage.reader.waitFor([id!]);
        return record!.git_commit === second ? record : undefined;
      },
      { timeoutMs: ttlSeconds * 1000 + 10_000, intervalMs: 300, what: 'a run from the new commit' },
    );
    assert.equal(r3.stdout.text, 'hook v2\n');
    assert.ok(Date.parse(r3.started_at) - pushedAt < ttlSeconds * 1000 + 5_000);
  });

  void it('git server: not ready and nothing consumed until the first snapshot; a server gone keeps the old snapshot, counted', async () => {
    const fixture = RunbooksFixture.create();
    cleanup.push(() => fixture.remove());
    const commit = fixture.commit({ 'hoop-hooks/session-open.runbook.py': HOOK_V1 });
    const port = await freePort();
    const executor = await executorFor({
      RUNBOOKS_GIT_URL: `http://127.0.0.1:${port}/runbooks.git`,
      RUNBOOKS_GIT_ALLOW_INSECURE: 'true',
      GIT_USER: 'runbooks',
      GIT_PASSWORD: PASSWORD,
      GIT_HOOK_CONFIG_TTL: '1',
    });
    const [early] = await suite.stage.sender.send([sessionOpen(uniqueId('sid'))]);
    await pollUntil(async () => (await metricValue(executor.url, FETCHES, { result: 'failure' })) >= 2, { timeoutMs: 20_000, what: 'two failed fetches' });
    assert.equal(await isReady(executor.url), false, 'not ready without a snapshot');
    assert.equal(suite.stage.reader.byEventId.has(early!), false, 'no event is consumed (or skipped) while git is down at start');
    assert.equal(await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-open', outcome: 'skipped' }), 0);

    let server: GitHttpServer = await startGitHttpServer(fixture.root, { user: 'runbooks', password: PASSWORD }, port);
    cleanup.push(() => server.close());
    const [first] = await suite.stage.reader.waitFor([early!], 30_000);
    assert.equal(first!.outcome, 'success');
    assert.equal(first!.git_commit, commit);
    await pollUntil(() => isReady(executor.url), { timeoutMs: 10_000, what: 'ready' });

    await server.close();
    const failures = await metricValue(executor.url, FETCHES, { result: 'failure' });
    await pollUntil(async () => (await metricValue(executor.url, FETCHES, { result: 'failure' })) > failures, { timeoutMs: 15_000, what: 'a failed fetch' });
    const [id] = await suite.stage.sender.send([sessionOpen(uniqueId('sid'))]);
    const [record] = await suite.stage.reader.waitFor([id!]);
    assert.equal(record!.outcome, 'success', 'the last good snapshot keeps running');
    assert.equal(record!.git_commit, commit);
    assert.ok(executor.logs.some((line) => line.msg === 'runbooks fetch failed; the last good snapshot stays in use' && line.keptCommit === commit));
    assert.ok((await metricValue(executor.url, 'hookline_runbooks_snapshot_age_seconds')) >= 0);
    assert.ok(!executor.output().includes(PASSWORD), 'the password is in no log line');
    server = await startGitHttpServer(fixture.root, { user: 'runbooks', password: PASSWORD }, port);
  });

  void it('wrong credentials: a clear log line, the secret in none', async () => {
    const fixture = RunbooksFixture.create();
    cleanup.push(() => fixture.remove());
    fixture.commit({ 'hoop-hooks/session-open.runbook.py': HOOK_V1 });
    const server = await startGitHttpServer(fixture.root, { user: 'runbooks', password: PASSWORD }, 0);
    cleanup.push(() => server.close());
    const wrong = 'Wrong-Pa55word-4242';
    const executor = await executorFor({
      RUNBOOKS_GIT_URL: `${server.url}/runbooks.git`,
      RUNBOOKS_GIT_ALLOW_INSECURE: 'true',
      GIT_USER: 'runbooks',
      GIT_PASSWORD: wrong,
      GIT_HOOK_CONFIG_TTL: '1',
    });
    const line = await pollUntil(() => executor.logs.find((l) => l.msg === 'runbooks fetch failed; no snapshot yet, hooks wait'), {
      timeoutMs: 20_000,
      what: 'the fetch failure log line',
    });
    assert.match(String(line.reason), /Authentication failed/);
    assert.equal(line.url, `${server.url}/runbooks.git`);
    assert.ok(server.unauthorized > 0, 'the server refused the credentials');
    assert.equal(await isReady(executor.url), false);
    const output = executor.output();
    assert.ok(!output.includes(wrong), 'the wrong password is in no log line');
    assert.ok(!output.includes(PASSWORD));
  });

  void it('hooks off (GIT_HOOK_CONFIG_TTL unset): says so at start, ready, every session event recorded as skipped', async () => {
    const executor = await executorFor({});
    await pollUntil(() => isReady(executor.url), { timeoutMs: 20_000, what: 'ready' });
    assert.ok(executor.logs.some((line) => String(line.msg).startsWith('hooks are off: GIT_HOOK_CONFIG_TTL is unset')));
    const sid = uniqueId('sid');
    const ids = await suite.stage.sender.send([sessionOpen(sid), sessionClose(sid)]);
    const records = await suite.stage.reader.waitFor(ids);
    for (const record of records) {
      assert.equal(record.outcome, 'skipped');
      assert.equal(record.skipped_reason, 'hooks are off (GIT_HOOK_CONFIG_TTL is unset)');
      assert.equal(record.git_commit, null);
    }
    assert.deepEqual(
      records.map((r) => r.hook),
      ['session-open', 'session-close'],
    );
  });
});
