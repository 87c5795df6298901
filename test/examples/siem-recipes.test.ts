import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

// The SIEM recipes the README points runbook authors at (examples/siem-recipes) run as real
// python3 hooks against a local receiver that checks each SIEM's wire format.
const recipes = join(process.cwd(), 'examples/siem-recipes');

const payload = {
  id: '0197a3c2-0000-7000-8000-00000000e001',
  sid: 'sid-recipe-1',
  command: ['psql'],
  event_session_open: null,
  event_session_close: { exit_code: 0, output: 'ok' },
};

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

function runHook(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(recipes, file)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOOP_RUNBOOK_HOOK_PAYLOAD: JSON.stringify(payload), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/siem-recipes', () => {
  let server: Server;
  let base: string;
  let status = 200;
  const received: Received[] = [];
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookline-recipes-'));
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text) as unknown });
        res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{"error":"index closed"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('Splunk HEC: Splunk token header and an HEC event envelope', async () => {
    received.length = 0;
    const run = await runHook('splunk-hec.runbook.py', { SPLUNK_HEC_URL: `${base}/services/collector/event`, SPLUNK_HEC_TOKEN: 'hec-token-1', SPLUNK_INDEX: 'security' });
    assert.equal(run.code, 0, run.stderr);
    const [request] = received;
    assert.equal(request?.url, '/services/collector/event');
    assert.equal(request.headers.authorization, 'Splunk hec-token-1');
    const body = request.body as { sourcetype: string; index: string; time: number; event: Record<string, unknown> };
    assert.equal(body.sourcetype, 'hoop:session');
    assert.equal(body.index, 'security');
    assert.equal(typeof body.time, 'number');
    assert.deepEqual(body.event, { hoop_event: 'session.close', ...payload });
  });

  it('Elastic: ApiKey header, document id = event id (a re-run overwrites)', async () => {
    received.length = 0;
    const run = await runHook('elastic.runbook.py', { ELASTIC_URL: `${base}/`, ELASTIC_API_KEY: 'es-key' });
    assert.equal(run.code, 0, run.stderr);
    const [request] = received;
    assert.equal(request?.url, `/hoop-sessions/_doc/${payload.id}`);
    assert.equal(request.headers.authorization, 'ApiKey es-key');
    const body = request.body as { event: { action: string; id: string }; hoop: unknown; '@timestamp': string };
    assert.equal(body.event.action, 'session.close');
    assert.equal(body.event.id, payload.id);
    assert.deepEqual(body.hoop, payload);
    assert.ok(!Number.isNaN(Date.parse(body['@timestamp'])));
  });

  it('Datadog: DD-API-KEY header and a logs array', async () => {
    received.length = 0;
    const run = await runHook('datadog.runbook.py', { DD_LOGS_URL: `${base}/api/v2/logs`, DD_API_KEY: 'dd-key' });
    assert.equal(run.code, 0, run.stderr);
    const [request] = received;
    assert.equal(request?.headers['dd-api-key'], 'dd-key');
    const [log] = request.body as { ddsource: string; ddtags: string; message: string }[];
    assert.equal(log?.ddsource, 'hoop');
    assert.equal(log.ddtags, `event:session.close,sid:${payload.sid}`);
    assert.deepEqual(JSON.parse(log.message), { hoop_event: 'session.close', ...payload });
  });

  it('reads the whole payload from HOOP_RUNBOOK_HOOK_PAYLOAD_FILE when it is given', async () => {
    received.length = 0;
    const whole = { ...payload, event_session_close: { exit_code: 0, output: 'x'.repeat(200_000) } };
    const file = join(dir, 'payload.json');
    await writeFile(file, JSON.stringify(whole));
    const run = await runHook('splunk-hec.runbook.py', { SPLUNK_HEC_URL: `${base}/e`, SPLUNK_HEC_TOKEN: 't', HOOP_RUNBOOK_HOOK_PAYLOAD_FILE: file });
    assert.equal(run.code, 0, run.stderr);
    const body = received[0]?.body as { event: { event_session_close: { output: string } } };
    assert.equal(body.event.event_session_close.output.length, 200_000);
  });

  it('fails the hook (exit 1) with the SIEM status when the SIEM refuses, without printing the token', async () => {
    status = 503;
    try {
      const run = await runHook('datadog.runbook.py', { DD_LOGS_URL: `${base}/api/v2/logs`, DD_API_KEY: 'dd-secret-key' });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /SIEM answered HTTP 503: \{"error":"index closed"\}/);
      assert.doesNotMatch(run.stdout + run.stderr, /dd-secret-key/);
    } finally {
      status = 200;
    }
  });

  it('names the missing setting (exit 2) instead of sending anything', async () => {
    received.length = 0;
    const run = await runHook('elastic.runbook.py', { ELASTIC_URL: base });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ELASTIC_API_KEY is not set: configure HOOK_ENV_ELASTIC_API_KEY/);
    assert.equal(received.length, 0);
  });
});
