// The `hookline` CLI against the running services: svix-relay (with the Svix stand-in) and
// audit, both on the real broker and real PostgreSQL. Every command, table and json output,
// bad arguments, server errors and an unreachable server.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '@hookline/cli';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '@hookline/kafka/testing';
import { RecordWriter, gatewayEvent, hookExecution, startAudit, type RunningAudit } from '../audit/audit-harness.js';
import {
  ADMIN_TOKEN,
  AUDITOR_TOKEN,
  brokersFromEnv,
  NO_BROKER_SKIP,
  relayEnv,
  startRelay,
  testKafka,
  uniqueId,
  type RunningRelay,
} from '../svix-relay/relay-harness.js';
import { closeAll } from '../support/close-all.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI_MAIN = fileURLToPath(new URL('../../../services/cli/dist/main.js', import.meta.url));

describe('hookline CLI against the running services', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let standIn: SvixStandIn;
  let receiver: WebhookReceiver;
  let relayDb: TestDatabase;
  let auditDb: TestDatabase;
  let relay: RunningRelay;
  let audit: RunningAudit;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const org = uniqueId('org');

  const cli = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { ...env, ...extraEnv },
    });
    return { code, stdout, stderr };
  };
  const ok = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => {
    const run = await cli(args, extraEnv);
    assert.equal(run.code, 0, `hookline ${args.join(' ')} failed: ${run.stderr}`);
    return run;
  };
  const json = async <T>(args: string[]): Promise<T> => JSON.parse((await ok([...args, '-o', 'json'])).stdout) as T;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookline-cli-test-'));
    standIn = await SvixStandIn.start();
    receiver = await WebhookReceiver.start();
    relayDb = await createTestDatabase('cli_relay');
    auditDb = await createTestDatabase('cli_audit');
    relay = await startRelay(relayEnv(standIn, relayDb.url, uniqueId('cli-relay')));
    // One admin token for both services, as an operator would configure them.
    audit = await startAudit({ DATABASE_URL: auditDb.url, KAFKA_GROUP_ID: uniqueId('cli-audit'), ADMIN_TOKENS: ADMIN_TOKEN, AUDITOR_TOKENS: AUDITOR_TOKEN });
    env = {
      HOOKLINE_CONFIG: join(dir, 'config.json'),
      HOOKLINE_RELAY_URL: relay.url,
      HOOKLINE_AUDIT_URL: audit.url,
      HOOKLINE_TOKEN: ADMIN_TOKEN,
      HOOKLINE_ORG: org,
    };
  });

  after(async () => {
    await closeAll(relay, audit, relayDb, auditDb, receiver, standIn);
    await rm(dir, { recursive: true, force: true });
  });

  it('login saves URLs, token and org in a 0600 file that later commands use', async () => {
    const path = join(dir, 'login.json');
    const run = await ok(['login', '--relay-url', relay.url, '--audit-url', audit.url, '--token', ADMIN_TOKEN, '--org', org], { HOOKLINE_CONFIG: path });
    assert.match(run.stderr, /saved relayUrl, auditUrl, token, org to/);
    assert.doesNotMatch(run.stderr + run.stdout, new RegExp(ADMIN_TOKEN), 'the token is never echoed');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const listed = await cli(['admin', 'get', 'svixeventtype'], { HOOKLINE_CONFIG: path, HOOKLINE_RELAY_URL: '', HOOKLINE_TOKEN: '', HOOKLINE_ORG: '' });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAME\s+DESCRIPTION\s+SCHEMA\s+ARCHIVED\s+AGE\n/);
  });

  it('event types: the contracts are there; create, overwrite with a schema file, get, delete', async () => {
    await pollUntil(async () => (await json<{ name: string }[]>(['admin', 'get', 'svixeventtype'])).length >= 4, { what: 'event types from the contracts' });
    const names = (await json<{ name: string }[]>(['admin', 'get', 'svixeventtype'])).map((t) => t.name);
    assert.ok(names.includes('session.open') && names.includes('dbroles.job.finished'));

    const created = await ok(['admin', 'create', 'svixeventtype', 'custom.alert', '--description', 'A custom alert']);
    assert.match(created.stdout, /custom\.alert\s+A custom alert\s+no\s+false/);
    const schemaFile = join(dir, 'schema.json');
    await writeFile(schemaFile, JSON.stringify({ type: 'object', properties: { level: { type: 'string' } } }));
    const overwritten = await json<{ description: string; schema: unknown }>([
      'admin',
      'create',
      'svixeventtype',
      'custom.alert',
      '--description',
      'Alert v2',
      '--payload',
      `file://${schemaFile}`,
      '--overwrite',
    ]);
    assert.equal(overwritten.description, 'Alert v2');
    assert.deepEqual(overwritten.schema, { type: 'object', properties: { level: { type: 'string' } } });
    assert.equal((await json<{ name: string }>(['admin', 'get', 'svixeventtype', 'custom.alert'])).name, 'custom.alert');

    const deleted = await ok(['admin', 'delete', 'svixeventtype', 'custom.alert']);
    assert.match(deleted.stderr, /svixeventtype custom\.alert deleted/);
  });

  it('endpoints: create with filters, list with stats as a table, overwrite by id, delete', async () => {
    const created = await json<{ id: string; event_types: string[] }>([
      'admin',
      'create',
      'svixendpoint',
      '--url',
      receiver.url('/siem'),
      '--description',
      'splunk',
      '--filters',
      'session.open,session.close',
    ]);
    assert.deepEqual(created.event_types, ['session.open', 'session.close']);

    const table = (await ok(['admin', 'get', 'svixendpoint'])).stdout.split('\n');
    assert.match(table[0] ?? '', /^ID\s+DESCRIPTION\s+DISABLED\s+VERSION\s+FAIL\s+PENDING\s+SENDING\s+SUCCESS\s+FILTERS\s+AGE$/);
    const row = table.find((line) => line.startsWith(created.id));
    assert.ok(row !== undefined, `the endpoint is listed:\n${table.join('\n')}`);
    assert.match(row, /splunk\s+false\s+\S+\s+0\s+0\s+0\s+0\s+session\.open,session\.close\s+\d+s ago$/);

    const replaced = await json<{ id: string; description: string; event_types: string[] | null }>([
      'admin',
      'create',
      'svixendpoint',
      created.id,
      '--url',
      receiver.url('/siem2'),
      '--description',
      'splunk v2',
      '--overwrite',
    ]);
    assert.equal(replaced.id, created.id);
    assert.equal(replaced.description, 'splunk v2');

    const other = await json<{ id: string }>(['admin', 'create', 'svixendpoint', '--url', receiver.url('/other')]);
    await ok(['admin', 'delete', 'svixendpoint', other.id]);
    const ids = (await json<{ id: string }[]>(['admin', 'get', 'svixendpoint'])).map((e) => e.id);
    assert.deepEqual(ids, [created.id]);
  });

  it('svixmsg: attempts of the only endpoint as a table, and one message', async () => {
    // A test message through the relay's API: Svix delivers it to the endpoint.
    const sent = await fetch(`${relay.url}/v1/orgs/${org}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'session.close' }),
    });
    assert.equal(sent.status, 201);
    const message = (await sent.json()) as { id: string };
    await pollUntil(async () => (await json<unknown[]>(['admin', 'get', 'svixmsg'])).length > 0, { what: 'a delivery attempt' });

    const table = (await ok(['admin', 'get', 'svixmsg', '-q', 'limit=10'])).stdout.split('\n');
    assert.match(table[0] ?? '', /^ID\s+ATTEMPTID\s+TRIGGER\s+STATUS\s+STATUSCODE\s+AGE$/);
    assert.match(table[1] ?? '', new RegExp(`^${message.id}\\s+atmpt_\\S+\\s+scheduled\\s+success\\s+20\\d\\s+\\d+s ago$`));

    const one = await json<{ id: string; event_type: string }>(['admin', 'get', 'svixmsg', message.id]);
    assert.deepEqual([one.id, one.event_type], [message.id, 'session.close']);
    const yaml = (await ok(['admin', 'get', 'svixmsg', message.id, '-o', 'yaml'])).stdout;
    assert.match(yaml, new RegExp(`^id: ${message.id}$`, 'm'));
  });

  it('plugin: enable connections, list them, --overwrite disables the others', async () => {
    const enabled = await ok(['admin', 'create', 'plugin', 'webhooks', '--connection', 'pg-prod', '--connection', 'mysql-ro']);
    assert.match(enabled.stdout, /^PLUGIN\s+ORG\s+CONNECTION\s+ENABLED\s+AGE$/m);
    assert.deepEqual((await json<{ connection_name: string }[]>(['admin', 'get', 'plugin', 'webhooks'])).map((c) => c.connection_name).sort(), [
      'mysql-ro',
      'pg-prod',
    ]);
    await ok(['admin', 'create', 'plugin', 'webhooks', '--connection', 'pg-prod', '--overwrite']);
    assert.deepEqual(
      (await json<{ connection_name: string }[]>(['admin', 'get', 'plugin', 'webhooks'])).map((c) => c.connection_name),
      ['pg-prod'],
    );
  });

  it("session and hookruns: the audit record of a session's hook runs", async () => {
    const sid = uniqueId('sid');
    const open = gatewayEvent('session.open', sid, new Date(Date.now() - 60_000), { org_id: org });
    const close = gatewayEvent('session.close', sid, new Date(Date.now() - 30_000), { org_id: org });
    const writer = new RecordWriter(testKafka());
    try {
      await writer.send([open, close, { hook: hookExecution(open) }, { hook: hookExecution(close, { outcome: 'failure', exit_code: 3 }) }]);
    } finally {
      await writer.disconnect();
    }
    await pollUntil(async () => (await json<unknown[]>(['admin', 'get', 'session', sid])).length >= 4, { timeoutMs: 30_000, what: 'the session timeline' });

    const timeline = (await ok(['admin', 'get', 'session', sid])).stdout.split('\n');
    assert.match(timeline[0] ?? '', /^TIME\s+KIND\s+EVENTTYPE\s+EVENTID\s+DETAIL$/);
    const kinds = timeline
      .slice(1)
      .filter((l) => l !== '')
      .map((l) => l.split(/\s+/)[1]);
    assert.deepEqual(kinds, ['event', 'hook_execution', 'event', 'hook_execution']);
    assert.ok(
      timeline.some((l) => /session-close failure exit=3 120ms/.test(l)),
      timeline.join('\n'),
    );

    const runs = (await ok(['admin', 'get', 'hookruns', '-q', `sid=${sid}`])).stdout.split('\n');
    assert.match(runs[0] ?? '', /^ID\s+SID\s+HOOK\s+OUTCOME\s+EXIT\s+DURATION\s+COMMIT\s+AGE$/);
    assert.equal(runs.filter((l) => l.includes(sid)).length, 2);
    const failures = await json<{ outcome: string; exit_code: number }[]>(['admin', 'get', 'hookruns', '-q', `sid=${sid}`, '-q', 'outcome=failure']);
    assert.deepEqual(
      failures.map((r) => [r.outcome, r.exit_code]),
      [['failure', 3]],
    );

    // The list has output sizes, not text; one run's output comes from `get hookrun <id>`.
    const [failed] = await json<{ id: string; stdout: Record<string, unknown> }[]>(['admin', 'get', 'hookruns', '-q', `sid=${sid}`, '-q', 'outcome=failure']);
    assert.deepEqual(failed!.stdout, { truncated: false, bytes: 13 });
    const shown = (await ok(['admin', 'get', 'hookrun', failed!.id])).stdout;
    assert.match(shown, /^ID\s+SID\s+HOOK\s+OUTCOME/);
    assert.match(shown, /\n--- stdout \(13 bytes\) ---\nsent to SIEM\n--- stderr \(0 bytes\) ---\n$/);
    const detail = await json<{ stdout: { text: string } }>(['admin', 'get', 'hookrun', failed!.id]);
    assert.equal(detail.stdout.text, 'sent to SIEM\n');
  });

  it("server errors print the server's message and exit 1", async () => {
    await json(['admin', 'create', 'svixendpoint', '--url', receiver.url('/second')]);
    const noEndpoint = await cli(['admin', 'get', 'svixmsg']);
    assert.equal(noEndpoint.code, 1);
    assert.match(noEndpoint.stderr, /^error: svix-relay: 422 .*endpoint/m, 'two endpoints: one must be named');

    const unknownType = await cli(['admin', 'create', 'svixendpoint', '--url', receiver.url('/x'), '--filters', 'no.such.type']);
    assert.equal(unknownType.code, 1);
    assert.match(unknownType.stderr, /error: svix-relay: 4\d\d .*no\.such\.type/);

    const auditor = await cli(['admin', 'delete', 'svixeventtype', 'session.open'], { HOOKLINE_TOKEN: AUDITOR_TOKEN });
    assert.equal(auditor.code, 1);
    assert.match(auditor.stderr, /error: svix-relay: 403 /);
    assert.ok(
      (await json<{ name: string }[]>(['admin', 'get', 'svixeventtype'])).some((t) => t.name === 'session.open'),
      'nothing was deleted',
    );

    const badToken = await cli(['admin', 'get', 'hookruns'], { HOOKLINE_TOKEN: 'not-a-token-of-this-run' });
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /error: audit service: 401 /);

    const badFilter = await cli(['admin', 'get', 'hookruns', '-q', 'outcome=exploded']);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /error: audit service: 400 .*outcome/);
  });

  it('bad arguments are refused before any call, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['admin', 'get', 'svixendpoint', '-o', 'xml'], /argument 'xml' is invalid\. Allowed choices are table, json, yaml/],
      [['admin', 'create', 'svixendpoint'], /required option '--url <url>' not specified/],
      [['admin', 'create', 'svixendpoint', 'ep_1', '--url', 'https://x.example'], /add --overwrite to replace it/],
      [['admin', 'create', 'plugin', 'slack', '--connection', 'x'], /unknown plugin "slack": the only plugin is webhooks/],
      [['admin', 'get', 'svixmsg', '-q', 'limit'], /expected key=value/],
      [['admin', 'get', 'svixmsg', '-q', 'color=red'], /-q color: unknown filter/],
      [['admin', 'get', 'hookrun', '../attempts'], /hookrun "..\/attempts": expected a run id/],
      [['admin', 'create', 'svixeventtype', 'x.y', '--description', 'd', '--payload', 'schema.json'], /--payload must be a file:\/\/ URL/],
      [
        ['admin', 'create', 'svixeventtype', 'x.y', '--description', 'd', '--payload', `file://${join(dir, 'missing.json')}`],
        /cannot read .*missing\.json: ENOENT/,
      ],
      [['admin', 'frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `hookline ${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const noOrg = await cli(['admin', 'get', 'svixendpoint'], { HOOKLINE_ORG: '' });
    assert.equal(noOrg.code, 2);
    assert.match(noOrg.stderr, /no organisation: pass --org/);
  });

  it('an unreachable server is named, exit 3', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await cli(['admin', 'get', 'session', 'sid-1'], { HOOKLINE_AUDIT_URL: `http://127.0.0.1:${port}` });
    assert.equal(run.code, 3);
    assert.equal(run.stderr, `error: cannot reach the audit service at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it('the installed bin runs as a process: --help on every level, exit codes', async () => {
    for (const args of [['--help'], ['admin', '--help'], ['admin', 'get', 'svixendpoint', '--help'], ['admin', 'create', 'svixendpoint', '--help']]) {
      const run = spawnSync(process.execPath, [CLI_MAIN, ...args], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Usage: hookline/);
    }
    // Asynchronously: the services answering it run in this process.
    const listed = await promisify(execFile)(process.execPath, [CLI_MAIN, 'admin', 'get', 'svixendpoint', '-o', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    assert.ok(Array.isArray(JSON.parse(listed.stdout)));
    const failed = spawnSync(process.execPath, [CLI_MAIN, 'admin', 'get', 'svixendpoint', '-o', 'xml'], { encoding: 'utf8' });
    assert.equal(failed.status, 2);
    assert.match(failed.stderr, /Allowed choices are table, json, yaml/);
  });
});
