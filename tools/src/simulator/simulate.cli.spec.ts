import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EXIT, runSimulateCli, type SimulateCliIo } from './simulate.cli.js';
import type { SimulationSummary } from './traffic-simulator.js';

function capture(env: NodeJS.ProcessEnv = {}): { io: Partial<SimulateCliIo>; out: () => string; err: () => string; signals: EventEmitter } {
  let out = '';
  let err = '';
  const signals = new EventEmitter();
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t), env, signals: signals as unknown as SimulateCliIo['signals'] },
    out: () => out,
    err: () => err,
    signals,
  };
}

describe('simulate CLI', () => {
  let server: Server;
  let url = '';
  const authorizations: string[] = [];
  const savedToken = process.env.HOOKLINE_INGEST_TOKEN;

  before(async () => {
    // Commander reads the env var from process.env; the tests decide what it holds.
    delete process.env.HOOKLINE_INGEST_TOKEN;
    server = createServer((req, res) => {
      authorizations.push(req.headers.authorization ?? '');
      req.resume();
      req.on('end', () => res.writeHead(202).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    if (savedToken !== undefined) process.env.HOOKLINE_INGEST_TOKEN = savedToken;
    server.closeAllConnections();
    server.close();
  });

  for (const [argv, flag] of [
    [['--rate', 'abc'], '--rate'],
    [['--rate', '0'], '--rate'],
    [['--duration', '-1'], '--duration'],
    [['--batch', '2.5'], '--batch'],
    [['--concurrency', ''], '--concurrency'],
    [['--review-ratio', '1.5'], '--review-ratio'],
    [['--dbroles-ratio', 'x'], '--dbroles-ratio'],
    [['--event-bytes', '5000000'], '--event-bytes'],
    [['--seed', '-3'], '--seed'],
  ] as const) {
    it(`exits 2 naming ${flag} for ${argv.join(' ')}`, async () => {
      const c = capture();
      const code = await runSimulateCli(['--token', 't', ...argv], c.io);
      assert.equal(code, EXIT.usage);
      assert.ok(c.err().includes(flag), c.err());
      assert.equal(c.out(), '');
    });
  }

  it('exits 2 without a token, naming the flag and the env var', async () => {
    const c = capture();
    assert.equal(await runSimulateCli(['--url', url], c.io), EXIT.usage);
    assert.match(c.err(), /--token.*HOOKLINE_INGEST_TOKEN/);
  });

  it('exits 2 on a URL that is not http(s)', async () => {
    const c = capture();
    assert.equal(await runSimulateCli(['--token', 't', '--url', 'kafka://x'], c.io), EXIT.usage);
    assert.match(c.err(), /--url/);
  });

  it('sends the traffic, takes the token from the env, prints the summary as JSON', async () => {
    const c = capture({ HOOKLINE_INGEST_TOKEN: 'from-env' });
    authorizations.length = 0;
    const code = await runSimulateCli(['--url', url, '--rate', '100', '--duration', '0.5', '--batch', '10', '--seed', '42'], c.io);
    assert.equal(code, EXIT.ok, c.err());
    const summary = JSON.parse(c.out()) as SimulationSummary;
    assert.equal(summary.seed, 42);
    assert.equal(summary.sent, 50);
    assert.equal(summary.accepted, 50);
    assert.ok(authorizations.length >= 5 && authorizations.every((a) => a === 'Bearer from-env'));
  });

  it('stops gracefully on SIGINT and still prints the summary', async () => {
    const c = capture();
    const running = runSimulateCli(['--url', url, '--token', 't', '--rate', '50', '--duration', '0', '--batch', '5'], c.io);
    setTimeout(() => c.signals.emit('SIGINT'), 1300);
    const code = await running;
    assert.equal(code, EXIT.ok, c.err());
    const summary = JSON.parse(c.out()) as SimulationSummary;
    assert.equal(summary.stopped, true);
    assert.ok(summary.accepted > 0);
    assert.match(c.err(), /simulate 1s: sent=\d+ accepted=\d+ rejected=0 retries=0/, 'a progress line each second');
    assert.equal(c.signals.listenerCount('SIGINT'), 0, 'the handler is removed after the run');
  });
});
