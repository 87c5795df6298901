import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'svix';
import { startSiemReceiver, type SiemReceiver } from './siem-receiver.js';

const TOKEN = 'siem-spec-token-0123';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe('SIEM receiver', () => {
  let receiver: SiemReceiver;
  const lines: string[] = [];

  before(async () => {
    receiver = await startSiemReceiver({ port: 0, token: TOKEN, print: (line) => lines.push(line) });
    receiver.setSvixSecret('org-1', SECRET);
  });
  after(() => receiver.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<number> =>
    fetch(`${receiver.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(
      (response) => response.status,
      () => 0,
    );

  it('prints a hook event sent with the token, and refuses one without it', async () => {
    const event = { kind: 'session.close', event: { sid: 'sid-1', event_session_close: { exit_code: 3 } } };
    assert.equal(await post('/collector', JSON.stringify(event), { authorization: `Bearer ${TOKEN}` }), 204);
    assert.equal(await post('/collector', JSON.stringify(event), { authorization: 'Bearer forged' }), 401);
    assert.equal(await post('/collector', JSON.stringify(event)), 401);
    assert.ok(lines.includes('SIEM  hook  session.close  sid sid-1  exit 3'), lines.join('\n'));
    assert.equal(lines.filter((line) => line.includes('refused: wrong or missing bearer token')).length, 2);
  });

  it('verifies Svix signatures where it knows the secret; a forged one is refused', async () => {
    const body = JSON.stringify({ sid: 'sid-2' });
    const id = 'msg_spec1';
    const timestamp = new Date();
    const signature = new Webhook(SECRET).sign(id, timestamp, body);
    const headers = { 'svix-id': id, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature };
    assert.equal(await post('/svix/org-1', body, headers), 204);
    assert.equal(await post('/svix/org-1', JSON.stringify({ sid: 'sid-forged' }), headers), 401);
    assert.ok(lines.includes('SIEM  svix  msg_spec1  sid-2  (signature ok)'), lines.join('\n'));
    assert.ok(lines.some((line) => line.includes('/svix/org-1  refused: bad signature')));
    assert.ok(!lines.some((line) => line.includes('sid-forged')));
  });

  it('hostile: malformed JSON, an oversized body and unknown paths are counted or refused, never crash it', async () => {
    const before = { ...receiver.counts };
    assert.equal(await post('/collector', '{"kind":', { authorization: `Bearer ${TOKEN}` }), 204);
    assert.ok(lines.some((line) => line.startsWith('SIEM  hook  unreadable body')));
    assert.notEqual(await post('/collector', 'x'.repeat(5 * 1024 * 1024), { authorization: `Bearer ${TOKEN}` }), 204);
    assert.equal(await post('/elsewhere', '{}'), 404);
    assert.equal(receiver.counts.hooks, before.hooks, 'neither the unreadable nor the oversized body counted as an event');
    // Still serving.
    assert.equal(await post('/collector', '{}', { authorization: `Bearer ${TOKEN}` }), 204);
  });
});
