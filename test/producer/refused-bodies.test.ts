// A refused body is answered so that every client can read the answer: a client that writes
// its whole body before reading (Python's http.client, node's http with the body written in
// one go, a gateway) gets the 413 or 401, not a broken pipe or a reset. Real python3.
// No Kafka needed: the body is refused before anything is produced.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startProducer, TEST_TOKEN, type RunningProducer } from './producer-harness.js';
import { closeAll } from '../support/close-all.js';

const BODY_BYTES = 20 * 1024 * 1024;
const run = promisify(execFile);

// Sends the whole body (sendall), then reads the answer: what a batch-splitting gateway does.
const PYTHON_CLIENT = `
import http.client, json, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
token, mode = sys.argv[2], sys.argv[3]
size = ${BODY_BYTES}
body = b'[{"input":"' + b'x' * (size - 14) + b'"}]'
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
headers = {'Content-Type': 'application/json'}
if token != '-':
    headers['Authorization'] = 'Bearer ' + token
if mode == 'chunked':
    def chunks():
        for at in range(0, len(body), 1 << 20):
            yield body[at:at + (1 << 20)]
    connection.request('POST', '/v1/events', body=chunks(), headers=headers, encode_chunked=True)
else:
    connection.request('POST', '/v1/events', body=body, headers=headers)
response = connection.getresponse()
print(json.dumps({'status': response.status, 'body': json.loads(response.read())}))
`;

async function python(url: string, token: string | null, mode: 'length' | 'chunked'): Promise<{ status: number; body: Record<string, unknown> }> {
  const { stdout } = await run('python3', ['-c', PYTHON_CLIENT, url, token ?? '-', mode], { timeout: 90_000 });
  return JSON.parse(stdout) as { status: number; body: Record<string, unknown> };
}

void describe('a refused body is answered readably', { timeout: 180_000 }, () => {
  let producer: RunningProducer;

  before(async () => {
    // Nothing listens on port 9: Kafka is never reached, and need not be.
    producer = await startProducer({ KAFKA_BROKERS: '127.0.0.1:9' });
  });

  after(() => closeAll(producer));

  void it('python3 http.client, 20 MB with Content-Length: reads the 413', async () => {
    const answer = await python(producer.url, TEST_TOKEN, 'length');
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'payload_too_large');
    assert.match(answer.body.message as string, /INGEST_MAX_BODY_BYTES/);
  });

  void it('python3 http.client, 20 MB chunked (no Content-Length): reads the 413', async () => {
    const answer = await python(producer.url, TEST_TOKEN, 'chunked');
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'payload_too_large');
  });

  void it('python3 http.client, 20 MB without a token: reads the 401', async () => {
    const answer = await python(producer.url, null, 'length');
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'unauthorized');
  });

  void it("node's http with the whole 20 MB written before the answer is read: reads the 413", async () => {
    const url = new URL(producer.url);
    const body = Buffer.alloc(BODY_BYTES, 'x');
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/events',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, 'content-length': BODY_BYTES },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.text) as { error: string }).error, 'payload_too_large');
  });
});
