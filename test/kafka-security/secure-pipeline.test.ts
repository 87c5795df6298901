// The pipeline on a Kafka that authenticates and authorizes: one SASL_SSL broker for the file
// (throw-away CA, client certificates required, SCRAM and PLAIN users, StandardAuthorizer),
// the README's recipe applied to
// it (topics + ACLs, one principal per service), then producer -> hook-executor -> relay ->
// audit with each service logged in as itself. Then the attacks the security review tried:
// no credentials, a wrong password, an authenticated principal forging a hook record or
// reading every session's input.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { hookExecutionRecordCodec, TOPICS } from '@hookline/contracts';
import { LocalKafkaBroker, type KafkaBrokerUser } from '@hookline/kafka-broker';
import { createKafkaClient, silentKafkaLogger, type KafkaClientOptions } from '@hookline/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { getJson, hookExecution, gatewayEvent, metricValue } from '../audit/audit-harness.js';
import { ResultReader, startExecutor } from '../hook-executor/executor-harness.js';
import { postEvents } from '../producer/producer-harness.js';
import { api, makeEvent } from '../svix-relay/relay-harness.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { pollUntil } from '@hookline/kafka/testing';
import { applyKafkaRecipe, readKafkaRecipe } from './kafka-recipe.js';
import { closeAll } from '../support/close-all.js';

const hasTool = (tool: string, flag: string): boolean => spawnSync(tool, [flag]).status === 0;
const skip = !hasTool('java', '-version')
  ? 'java is not installed (the local broker needs it)'
  : !hasTool('keytool', '-help')
    ? 'keytool is not installed (it ships with the JDK)'
    : !hasTool('openssl', 'version')
      ? 'openssl is not installed (it makes the client key)'
      : !hasTool('python3', '--version')
        ? 'python3 is not installed'
        : false;

const user = (name: string): KafkaBrokerUser => ({ name, password: `pw-${name}-${randomBytes(12).toString('base64url')}` });
// The principals of the README recipe, and one the recipe gives nothing.
const USERS = {
  producer: user('hookline-producer'),
  executor: user('hookline-hook-executor'),
  relay: user('hookline-svix-relay'),
  audit: user('hookline-audit'),
  intruder: user('intruder'),
};
const PASSWORDS = Object.values(USERS).map((each) => each.password);
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('base64url')}`;

/** Every `type` on an error, its causes and aggregated errors (kafkajs wraps protocol errors). */
function errorTypes(error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown[] };
  return [
    ...(typeof e.type === 'string' ? [e.type] : []),
    ...errorTypes(e.cause, seen),
    ...errorTypes(e.originalError, seen),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((inner) => errorTypes(inner, seen)) : []),
  ];
}

function assertNoPassword(text: string, where: string): void {
  for (const password of [...PASSWORDS, WRONG_PASSWORD]) assert.ok(!text.includes(password), `${where} shows a password`);
}

void describe('Kafka over SASL_SSL with ACLs: each service its own principal', { skip }, () => {
  const broker = new LocalKafkaBroker({
    heapMb: 512,
    jvmOptions: ['-XX:TieredStopAtLevel=1'],
    secure: { users: Object.values(USERS), requireClientCertificate: true },
  });
  let brokers: string;
  let superUser: Kafka;
  let admin: Admin;
  let pipeline: Pipeline;

  /** A service's settings: TLS against the broker's CA with the client certificate, its own principal. */
  const kafkaEnv = (principal: KafkaBrokerUser, mechanism: string, password = principal.password): Record<string, string> => ({
    KAFKA_BROKERS: brokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: broker.tls!.caFile,
    KAFKA_SSL_CERT_FILE: broker.clientCertificate!.certFile,
    KAFKA_SSL_KEY_FILE: broker.clientCertificate!.keyFile,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: principal.name,
    KAFKA_SASL_PASSWORD: password,
  });

  /** A test client; no retries, so a refusal is an answer, not a wait. */
  const client = (options: Partial<KafkaClientOptions>): Kafka =>
    createKafkaClient({
      brokers,
      clientId: `secure-test-${randomBytes(3).toString('hex')}`,
      logger: silentKafkaLogger,
      logLevel: 'nothing',
      retry: { retries: 0 },
      ...options,
    });
  const loggedInAs = (principal: KafkaBrokerUser, password = principal.password): Kafka =>
    client({ ...broker.clientOptions(), sasl: { mechanism: 'scram-sha-512', username: principal.name, password } });

  const endOffsets = async (topic: string): Promise<number> =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);

  before(async () => {
    await broker.start();
    brokers = broker.brokers.join(',');
    superUser = client({ ...broker.clientOptions(), retry: { retries: 5 } });
    admin = superUser.admin();
    await admin.connect();
    await applyKafkaRecipe(admin, readKafkaRecipe());

    pipeline = await startPipeline({
      hooks: {
        'hoop-hooks/session-open.runbook.py': 'print("session opened")\n',
        // Prints its whole environment: the executor's Kafka credentials must not be in it.
        'hoop-hooks/session-close.runbook.py': 'import json, os\nprint("session closed")\nprint(json.dumps(dict(os.environ)))\n',
      },
      executorGroup: 'hookline-hook-executor',
      relayGroup: 'hookline-svix-relay',
      auditGroup: 'hookline-audit',
      executorLogLevel: 'info',
      // Mechanisms differ between services so each kind is used for real.
      kafkaEnv: {
        producer: kafkaEnv(USERS.producer, 'scram-sha-512'),
        executor: kafkaEnv(USERS.executor, 'scram-sha-256'),
        relay: kafkaEnv(USERS.relay, 'plain'),
        audit: kafkaEnv(USERS.audit, 'scram-sha-512'),
      },
    });
  });

  after(() => closeAll(pipeline, admin, broker));

  void it('carries an event from the producer through the hooks and the relay into the audit timeline', async () => {
    for (const [name, url] of [
      ['producer', pipeline.producer.url],
      ['hook-executor', pipeline.executor.url],
      ['svix-relay', pipeline.relay.url],
      ['audit', pipeline.audit.url],
    ] as const) {
      const ready = await pollUntil(
        async () => {
          const answer = await fetch(`${url}/health/ready`);
          return answer.status === 200 ? answer.text() : undefined;
        },
        { timeoutMs: 60_000, what: `${name} ready on the secured broker` },
      );
      assertNoPassword(ready, `${name}'s readiness`);
    }
    const orgId = `org-${randomBytes(4).toString('hex')}`;
    const connection = 'pg-prod';
    assert.equal((await api(pipeline.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
    const endpoint = await api(pipeline.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: pipeline.receiver.url('/siem'), description: 'SIEM' });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    await pollUntil(
      async () => JSON.stringify((await api(pipeline.relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`)).body).includes(connection),
      {
        what: 'the connection enabled',
      },
    );

    const sid = `sid-${randomBytes(6).toString('hex')}`;
    const open = makeEvent('session.open', { orgId, subject: sid, connection });
    const close = makeEvent('session.close', { orgId, subject: sid });
    // The hook records as the hook-executor wrote them, read by the super user.
    const results = await ResultReader.start(superUser, admin);
    const accepted = await postEvents(pipeline.producer.url, [
      { type: open.type, data: open.data },
      { type: close.type, data: close.data },
    ]);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const ids = accepted.body.ids as [string, string];

    await pollUntil(
      async () => {
        const list = ((await getJson(`${pipeline.audit.url}/v1/sessions/${sid}/timeline`)).body.entries ?? []) as { kind: string }[];
        const count = (kind: string) => list.filter((entry) => entry.kind === kind).length;
        return count('event') === 2 && count('hook_execution') === 2 && count('publication') === 2;
      },
      { timeoutMs: 60_000, what: "the session's 2 events, 2 hook runs and 2 publications in the audit timeline" },
    );
    const [opened, closedRun] = await results.waitFor(ids).finally(() => results.close());
    assert.equal(opened!.stdout.text, 'session opened\n', 'the hooks really ran');
    const [closed, environment] = closedRun!.stdout.text.split('\n');
    assert.equal(closed, 'session closed');
    const hookEnv = JSON.parse(environment!) as Record<string, string>;
    assert.ok(
      Object.keys(hookEnv).some((name) => name.startsWith('HOOP_RUNBOOK_HOOK_PAYLOAD')),
      environment,
    );
    assert.deepEqual(
      Object.keys(hookEnv).filter((name) => name.startsWith('KAFKA_')),
      [],
      'no Kafka setting reaches a hook',
    );
    assertNoPassword(environment!, "a hook's environment");
    await pollUntil(() => pipeline.receiver.on('/siem').length === 2, { timeoutMs: 30_000, what: 'the SIEM to get both events' });
    assertNoPassword(pipeline.executor.output(), "the hook-executor's logs");

    // The audit principal may describe the hookline groups and the .dlq topics: its lag and dead-letter metrics work.
    await pollUntil(
      async () =>
        (await metricValue(pipeline.audit.url, 'hookline_kafka_consumer_lag', { group: 'hookline-hook-executor', topic: TOPICS.gatewaySessions })) !==
          undefined && (await metricValue(pipeline.audit.url, 'hookline_dead_letter_records_total', { topic: `${TOPICS.hookExecutions}.dlq` })) !== undefined,
      { timeoutMs: 30_000, what: "audit's consumer-lag and dead-letter metrics under its ACLs" },
    );
  });

  void it('refuses a client without credentials: no SASL login, no client certificate, or no TLS', async () => {
    const before = await endOffsets(TOPICS.gatewaySessions);
    const { ssl } = broker.clientOptions();
    const refused = [
      ['TLS with the client certificate, no SASL', client({ ssl })],
      [
        "the producer's password, no client certificate",
        client({ ssl: { ca: ssl.ca }, sasl: { mechanism: 'scram-sha-512', username: USERS.producer.name, password: USERS.producer.password } }),
      ],
      ['plaintext', client({})],
    ] as const;
    for (const [what, anonymous] of refused) {
      const writer = anonymous.producer();
      await assert.rejects(async () => {
        await writer.connect();
        await writer.send({ topic: TOPICS.gatewaySessions, messages: [{ key: 'forged', value: '{}' }] });
      }, `${what}: refused`);
      await writer.disconnect().catch(() => undefined);
    }
    assert.equal(await endOffsets(TOPICS.gatewaySessions), before, 'nothing was written');
  });

  void it('lets no principal but the hook-executor write a hook record: a forged run never reaches the timeline', async () => {
    const forgedSid = `invented-${randomBytes(6).toString('hex')}`;
    const event = gatewayEvent('session.open', forgedSid, new Date());
    const encoded = hookExecutionRecordCodec.encode(hookExecution(event, { stdout: { text: 'all clear\n', truncated: false, bytes: 10 } }));
    const before = await endOffsets(TOPICS.hookExecutions);
    for (const principal of [USERS.producer, USERS.relay, USERS.audit, USERS.intruder]) {
      const forger = loggedInAs(principal).producer();
      await forger.connect();
      try {
        const error = await forger
          .send({ topic: TOPICS.hookExecutions, acks: -1, messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }] })
          .then(
            () => assert.fail(`${principal.name} wrote a hook record`),
            (refusal: unknown) => refusal,
          );
        assert.ok(errorTypes(error).includes('TOPIC_AUTHORIZATION_FAILED'), `${principal.name}: ${String(error)} (${errorTypes(error).join(', ')})`);
      } finally {
        await forger.disconnect();
      }
    }
    assert.equal(await endOffsets(TOPICS.hookExecutions), before, 'no record was added');
    const timeline = await getJson(`${pipeline.audit.url}/v1/sessions/${forgedSid}/timeline`);
    assert.deepEqual(timeline.body.entries ?? [], [], 'the invented session has no timeline');
  });

  void it('keeps the gateway topics to the producer and session input from principals without a grant', async () => {
    // The relay may read gateway events but not write them (skipping INGEST_TOKENS).
    const writer = loggedInAs(USERS.relay).producer();
    await writer.connect();
    const refused = await writer.send({ topic: TOPICS.gatewaySessions, messages: [{ key: 'forged', value: '{}' }] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await writer.disconnect();
    assert.ok(errorTypes(refused).includes('TOPIC_AUTHORIZATION_FAILED'), String(refused));

    // An authenticated principal with no ACLs cannot read every session's input, not even in a hookline group.
    const reader = loggedInAs(USERS.intruder).consumer({ groupId: 'hookline-audit' });
    await reader.connect();
    const denied = await reader.subscribe({ topics: [TOPICS.gatewaySessions], fromBeginning: true }).then(
      async () => {
        let crash: unknown;
        reader.on(reader.events.CRASH, (event) => {
          crash = event.payload.error;
        });
        await reader.run({ eachMessage: () => Promise.reject(new Error('read a session event')) });
        return pollUntil(() => crash, { timeoutMs: 15_000, what: "the intruder's consumer to be refused" });
      },
      (error: unknown) => error,
    );
    await reader.disconnect();
    const types = errorTypes(denied);
    assert.ok(types.includes('TOPIC_AUTHORIZATION_FAILED') || types.includes('GROUP_AUTHORIZATION_FAILED'), `${String(denied)} (${types.join(', ')})`);
  });

  void it('refuses a wrong password, and no error, log line or health answer shows it', async () => {
    const error = await loggedInAs(USERS.producer, WRONG_PASSWORD)
      .admin()
      .connect()
      .then(
        () => assert.fail('a wrong password was accepted'),
        (refusal: unknown) => refusal,
      );
    assert.match(String(error), /authentication failed/i);
    assertNoPassword(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`, 'the client error');

    const wrong = await startExecutor({ noWait: false, env: { ...kafkaEnv(USERS.executor, 'scram-sha-512', WRONG_PASSWORD), LOG_LEVEL: 'debug' } });
    try {
      await pollUntil(() => /authentication failed/i.test(wrong.output()), { timeoutMs: 30_000, what: 'the executor to log the refused login' });
      const ready = await fetch(`${wrong.url}/health/ready`);
      const body = await ready.text();
      assert.equal(ready.status, 503, body);
      assertNoPassword(body, 'readiness');
      assertNoPassword(await (await fetch(`${wrong.url}/metrics`)).text(), '/metrics');
      assertNoPassword(wrong.output(), "the executor's logs");
    } finally {
      await wrong.stop();
    }
  });
});
