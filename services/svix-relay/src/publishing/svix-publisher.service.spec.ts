import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SvixClient } from '../svix/svix-client.service.js';
import { SvixPublisher } from './svix-publisher.service.js';

// Against a local HTTP server answering Svix's create-application and create-message
// calls slowly, with one Svix call at a time: what waits for a slot, and what is sent.
void describe('SvixPublisher', () => {
  let server: Server;
  let url: string;
  const messageCalls: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const now = new Date().toISOString();
        if (req.url?.startsWith('/api/v1/app') === true && req.url.includes('/msg')) {
          const { eventId, eventType } = JSON.parse(body) as { eventId: string; eventType: string };
          messageCalls.push(eventId);
          setTimeout(() => {
            res
              .writeHead(202, { 'content-type': 'application/json' })
              .end(JSON.stringify({ id: `msg_${eventId}`, eventId, eventType, payload: {}, timestamp: now }));
          }, 300).unref();
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: 'app_1', uid: 'org-1', name: 'org org-1', createdAt: now, updatedAt: now, metadata: {} }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  void it('a publication still waiting for a Svix slot when its event is given up is never sent', async () => {
    const client = new SvixClient({ SVIX_AUTH_TOKEN: 'test-token', SVIX_SERVER_URL: url, SVIX_REQUEST_TIMEOUT_MS: 5_000, SVIX_CONCURRENCY: 1 });
    try {
      const publisher = new SvixPublisher(client, { SVIX_CONCURRENCY: 1 });
      const first = publisher.publish({ orgId: 'org-1', eventType: 'session.open', eventId: 'evt-first', payload: {} });
      const givenUp = new AbortController();
      const second = publisher.publish({ orgId: 'org-1', eventType: 'session.open', eventId: 'evt-second', payload: {} }, givenUp.signal);
      const third = publisher.publish({ orgId: 'org-1', eventType: 'session.open', eventId: 'evt-third', payload: {} });
      givenUp.abort();
      assert.equal((await first).messageId, 'msg_evt-first');
      await assert.rejects(second, { name: 'AbortError' });
      assert.equal((await third).messageId, 'msg_evt-third');
      assert.deepEqual(messageCalls, ['evt-first', 'evt-third'], 'the given-up event made no call; the next one took its slot');
    } finally {
      await client.onApplicationShutdown();
    }
  });
});
