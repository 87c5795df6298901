// `npm run hook -- test <hook> --payload event.json --repo <path>`: the example runbooks
// (examples/runbooks) forward the event to a SIEM receiver over HTTP, and bad input
// gets a message that names the problem.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RunbooksFixture } from './runbooks-fixture.js';
import { closeAll } from '../support/close-all.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'services/hook-executor/dist/cli/hook.cli.js');

interface Received {
  authorization: string | undefined;
  body: { source: string; kind: string; event: { id: string; sid: string; event_session_close: unknown; event_session_open: unknown } };
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

void describe('hook test CLI with the example runbooks', () => {
  let fixture: RunbooksFixture;
  let receiver: Server | undefined;
  let siemUrl: string;
  const received: Received[] = [];

  before(async () => {
    fixture = RunbooksFixture.create();
    const examples = join(ROOT, 'examples/runbooks');
    const files: Record<string, string> = {};
    for (const name of readdirSync(join(examples, 'hoop-hooks'))) files[`hoop-hooks/${name}`] = readFileSync(join(examples, 'hoop-hooks', name), 'utf8');
    fixture.commit(files, 'example runbooks');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(body) as Received['body'] });
        res.writeHead(204).end();
      });
    });
    receiver = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    siemUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/collector`;
  });

  after(async () => {
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await closeAll(fixture);
  });

  void it('runs session-close from a local path: the SIEM gets the event, the CLI prints exit code, output and duration', async () => {
    const result = await runCli(
      ['test', 'session-close', '--payload', 'examples/events/session-close.json', '--repo', fixture.bare, '--env', `SIEM_URL=${siemUrl}`],
      {
        HOOK_ENV_SIEM_TOKEN: 'siem-token-1',
      },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^outcome +success$/m);
    assert.match(result.stdout, /^exit code 0$/m);
    assert.match(result.stdout, /^duration +\d+\.\d ms$/m);
    assert.match(result.stdout, /sent session\.close for session 0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d: HTTP 204/);
    assert.equal(received.length, 1);
    assert.equal(received[0]!.authorization, 'Bearer siem-token-1');
    assert.equal(received[0]!.body.kind, 'session.close');
    assert.equal(received[0]!.body.event.sid, '0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d');
    assert.deepEqual(received[0]!.body.event.event_session_close, { exit_code: 0, output: 'id|status|amount\n8812|paid|129.90\n8813|open|42.00\n(2 rows)\n' });
    assert.equal(received[0]!.body.event.event_session_open, null);
  });

  void it('session-open over file:// with --json; a SIEM that is down is a failure with the reason', async () => {
    const result = await runCli([
      'test',
      'session-open',
      '--payload',
      'examples/events/session-open.json',
      '--repo',
      fixture.fileUrl,
      '--env',
      'SIEM_URL=http://127.0.0.1:9/',
      '--json',
    ]);
    assert.equal(result.code, 1);
    const json = JSON.parse(result.stdout) as { outcome: string; exitCode: number; stderr: { text: string } };
    assert.equal(json.outcome, 'failure');
    assert.equal(json.exitCode, 1);
    assert.match(json.stderr.text, /SIEM unreachable/);
  });

  void it('bad input names the problem', async () => {
    const notJson = join(fixture.root, 'not.json');
    writeFileSync(notJson, '{"type": "session.close",');
    const a = await runCli(['test', 'session-close', '--payload', notJson, '--repo', fixture.bare]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /not JSON/);

    const wrongType = await runCli(['test', 'session-open', '--payload', 'examples/events/session-close.json', '--repo', fixture.bare]);
    assert.equal(wrongType.code, 2);
    assert.match(wrongType.stderr, /is a session\.close event; hook session-open runs on session\.open/);

    const invalid = join(fixture.root, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ type: 'session.close', data: { sid: 's' } }));
    const c = await runCli(['test', 'session-close', '--payload', invalid, '--repo', fixture.bare]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /is not a valid event: .*exit_code/);

    const noRepo = await runCli(['test', 'session-close', '--payload', 'examples/events/session-close.json', '--repo', join(fixture.root, 'missing.git')]);
    assert.equal(noRepo.code, 2);
    assert.match(noRepo.stderr, /git: git fetch failed/);

    const badHook = await runCli(['test', 'session-start', '--payload', 'examples/events/session-close.json', '--repo', fixture.bare]);
    assert.notEqual(badHook.code, 0);
    assert.match(badHook.stderr, /session-start.*(choices|allowed)|Allowed choices/i);
  });
});
