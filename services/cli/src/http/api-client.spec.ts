import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './api-client.js';
import { CliError } from './cli.error.js';

describe('ApiClient', () => {
  let server: Server;
  let baseUrl: string;
  let last: { req: IncomingMessage; body: string } | undefined;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        last = { req, body };
        if (req.url?.startsWith('/ok')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[1]}');
        } else if (req.url?.startsWith('/bad')) {
          res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unprocessable","message":"an endpoint must be named\\u001b[2J"}');
        } else if (req.url?.startsWith('/html')) {
          res.writeHead(502).end('<html>bad gateway</html>');
        } else {
          res.writeHead(200).end('not json');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token, query and JSON body', async () => {
    const client = new ApiClient(baseUrl, 'tok', 'relay');
    assert.deepEqual(await client.request({ method: 'POST', path: '/ok', query: { limit: '5', type: ['a', 'b'], skip: undefined }, body: { x: 1 } }), {
      data: [1],
    });
    assert.equal(last?.req.headers.authorization, 'Bearer tok');
    assert.equal(last.req.url, '/ok?limit=5&type=a&type=b');
    assert.equal(last.body, '{"x":1}');
  });

  it("turns an error answer into the server's message, escaped", async () => {
    const client = new ApiClient(baseUrl, 'tok', 'relay');
    await assert.rejects(client.request({ path: '/bad' }), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, 'relay: 422 an endpoint must be named\\x1b[2J');
      return true;
    });
    await assert.rejects(client.request({ path: '/html' }), /relay: 502 <html>bad gateway<\/html>/);
    await assert.rejects(client.request({ path: '/text' }), /body that is not JSON/);
  });

  it('says when the server cannot be reached, or there is no token', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new ApiClient(`http://127.0.0.1:${port}`, 'tok', 'audit service').request({ path: '/x' }), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 3);
      assert.equal(err.message, `cannot reach the audit service at http://127.0.0.1:${port}: ECONNREFUSED`);
      return true;
    });
    await assert.rejects(new ApiClient(baseUrl, undefined, 'relay').request({ path: '/ok' }), /no token: pass --token/);
  });
});
