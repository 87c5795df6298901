// The producer refuses to start on a bad or missing setting: exit 1 and one line naming it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('../../../services/producer/dist/main.js', import.meta.url));
const TOKEN = 'a-valid-token-0123456789';

function start(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const child = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, stderr: child.stderr, stdout: child.stdout };
}

void describe('producer configuration at start', () => {
  void it('exits 1 naming INGEST_TOKENS when it is missing', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'producer refuses to start: invalid configuration: INGEST_TOKENS: required\n');
    assert.equal(run.stdout, '');
  });

  void it('exits 1 naming PORT=abc, and every other bad setting at once', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', INGEST_TOKENS: TOKEN, PORT: 'abc' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, "producer refuses to start: invalid configuration: PORT: expected an integer 1-65535, got 'abc'\n");
    const several = start({ PORT: 'abc', INGEST_MAX_BATCH_EVENTS: '0', INGEST_TOKENS: TOKEN });
    assert.equal(several.status, 1);
    assert.match(several.stderr, /PORT: expected an integer.*KAFKA_BROKERS: required.*INGEST_MAX_BATCH_EVENTS: expected a whole number >= 1, got '0'/);
  });

  void it('exits 1 on a token under 16 characters without printing it', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', INGEST_TOKENS: `${TOKEN},short-secret` });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /INGEST_TOKENS: expected a comma-separated list of tokens, each at least 16 visible ASCII characters \(value not shown: sensitive\)/,
    );
    assert.ok(!run.stderr.includes('short-secret') && !run.stderr.includes(TOKEN));
  });

  void it('exits 1 when a token is both unbound (INGEST_TOKENS) and bound (INGEST_ORG_TOKENS), without printing it', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', INGEST_TOKENS: TOKEN, INGEST_ORG_TOKENS: `org-a=${TOKEN}` });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      'producer refuses to start: invalid configuration: INGEST_ORG_TOKENS: 1 token(s) also listed in INGEST_TOKENS (for org "org-a"); list each token once: bound (INGEST_ORG_TOKENS) or unbound (INGEST_TOKENS)\n',
    );
  });

  void it('exits 1 on a malformed INGEST_ORG_TOKENS without printing it', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', INGEST_TOKENS: TOKEN, INGEST_ORG_TOKENS: 'no-org-given-0123456789' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /INGEST_ORG_TOKENS: expected a comma-separated list of ORG_ID=TOKEN entries.*\(value not shown: sensitive\)/);
    assert.ok(!run.stderr.includes('no-org-given'));
  });
});
