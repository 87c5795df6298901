import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPooledFetch } from './pooled-fetch.js';

// What the svix SDK relies on from its fetch: status, headers, text, and fetch's own errors.
void describe('createPooledFetch', () => {
  let server: Server;
  let base: string;
  const pooled = createPooledFetch(2);

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/empty') return void res.writeHead(204).end();
        if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2_000).unref();
        if (req.url === '/busy')
          return void res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' }).end('{"code":"rate_limit","detail":"slow down"}');
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, key: req.headers['idempotency-key'], body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await pooled.close();
    await new Promise((resolve) => server.close(resolve));
  });

  void it('sends method, headers and body; answers status, headers and text', async () => {
    const response = await pooled.fetch(new URL(`${base}/msg`), { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"a":1}' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(JSON.parse(await response.text()), { method: 'POST', key: 'k-1', body: '{"a":1}' });
  });

  void it('passes error statuses and their headers on (429 Retry-After), and 204 without a body', async () => {
    const busy = await pooled.fetch(`${base}/busy`);
    assert.equal(busy.status, 429);
    assert.equal(busy.headers.get('retry-after'), '3');
    const empty = await pooled.fetch(`${base}/empty`, { method: 'DELETE' });
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), '');
  });

  void it('fails as the global fetch does: TimeoutError on its signal, TypeError "fetch failed" when unreachable', async () => {
    await assert.rejects(pooled.fetch(`${base}/slow`, { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(pooled.fetch(`http://127.0.0.1:${port}/msg`), { name: 'TypeError', message: 'fetch failed' });
  });

  void it('bounds a call by its own timeout, without a signal: TimeoutError, and the pool keeps working', async () => {
    const bounded = createPooledFetch(1, 200);
    try {
      const started = performance.now();
      await assert.rejects(bounded.fetch(`${base}/slow`), { name: 'TimeoutError' });
      const waited = performance.now() - started;
      assert.ok(waited >= 150 && waited < 1_500, `gave up after ${waited.toFixed(0)} ms, not at ~200 ms`);
      const next = await bounded.fetch(`${base}/msg`, { method: 'POST', body: '{}' });
      assert.equal(next.status, 201);
    } finally {
      await bounded.close();
    }
  });
});
