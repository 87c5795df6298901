import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { LocalKafkaBroker } from './local-kafka-broker.js';
import { portAccepts } from './free-port.js';

const hasJava = spawnSync('java', ['-version']).status === 0;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('LocalKafkaBroker (Maven Central jars)', { skip: hasJava ? false : 'java not installed' }, () => {
  // C1 only, as bench:relay runs its broker: the JVM then has no C2 compiler thread.
  const broker = new LocalKafkaBroker({ heapMb: 512, jvmOptions: ['-XX:TieredStopAtLevel=1'] });
  before(async () => {
    await broker.start();
  });
  after(async () => {
    await broker.stop();
  });

  it('serves produce, consumer-group consume and admin calls on 127.0.0.1', async () => {
    const kafka = new Kafka({ clientId: 'broker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0]!.host, '127.0.0.1');
    assert.equal(await admin.createTopics({ topics: [{ topic: 'smoke', numPartitions: 3 }], waitForLeaders: true }), true);
    assert.ok((await admin.listTopics()).includes('smoke'));

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'smoke', acks: -1, messages: [1, 2, 3, 4, 5, 6].map((n) => ({ key: `k${n % 3}`, value: `v${n}` })) });

    const consumer = kafka.consumer({ groupId: 'smoke-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message.value!.toString());
        return Promise.resolve();
      },
    });
    await until('6 records', () => (seen.length >= 6 ? true : undefined));
    assert.deepEqual([...seen].sort(), ['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);

    const committed = async () => {
      const offsets = await admin.fetchOffsets({ groupId: 'smoke-group', topics: ['smoke'] });
      return offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    };
    // kafkajs commits in the background after eachMessage; the group's offsets catch up.
    await until('the group to commit every record', async () => ((await committed()) === 6 ? true : undefined));
    await consumer.disconnect();
    assert.equal(await committed(), 6);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('starts the JVM with the given jvmOptions', () => {
    const pid = broker.pid;
    assert.ok(pid !== undefined, 'the broker runs');
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(args.includes('-XX:TieredStopAtLevel=1'), `JVM arguments: ${args.join(' ')}`);
    // Before the class path and main class: after them it would be an argument of kafka.Kafka.
    assert.ok(args.indexOf('-XX:TieredStopAtLevel=1') < args.indexOf('kafka.Kafka'));
    const threads = readdirSync(`/proc/${pid}/task`).map((task) => readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim());
    assert.ok(
      threads.some((name) => name.startsWith('C1 CompilerThre')),
      `threads: ${threads.join(', ')}`,
    );
    assert.ok(!threads.some((name) => name.startsWith('C2 CompilerThre')), 'the option took effect: no C2 compiler');
  });

  it('stops and comes back on the same port with its data (pause/resume)', async () => {
    await broker.pause();
    assert.equal(await portAccepts(broker.port), false);
    await broker.resume();
    const kafka = new Kafka({ clientId: 'broker-spec-2', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    assert.ok((await admin.listTopics()).includes('smoke'), 'topics survive a restart');
    await admin.disconnect();
  });
});

describe('no JVM outlives its owner', { skip: hasJava ? false : 'java not installed' }, () => {
  it('the watchdog stops the broker when the owning process is SIGKILLed', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `
      import { LocalKafkaBroker } from ${JSON.stringify(join(here, 'local-kafka-broker.js'))};
      const b = await new LocalKafkaBroker({ heapMb: 256 }).start();
      process.stdout.write(JSON.stringify({ port: b.port, jvm: b.pid, log: b.logFile }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    owner.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const info = await until(
      'the owner to report its broker',
      () => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        return line ? (JSON.parse(line) as { port: number; jvm: number; log: string }) : undefined;
      },
      120_000,
    );
    assert.ok(alive(info.jvm), 'the JVM runs while its owner lives');
    owner.kill('SIGKILL');
    await until('the JVM to exit after its owner was killed', () => (alive(info.jvm) ? undefined : true), 40_000);
    assert.equal(await portAccepts(info.port), false);
    await until('the throw-away data folder to be removed', () => (existsSync(dirname(info.log)) ? undefined : true), 10_000);
  });
});
