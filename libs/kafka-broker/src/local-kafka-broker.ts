import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBrokerTls, ensureClientCertificate, type BrokerTls, type ClientCertificate } from './broker-tls.js';
import { freePort, portAccepts } from './free-port.js';
import { ensureKafkaDistribution, type KafkaDistribution } from './maven-kafka-distribution.js';
import { BROKER_ADMIN_USER, BROKER_READY_TIMEOUT_MS, BROKER_START_ATTEMPTS, BROKER_STOP_GRACE_MS, DEFAULT_BROKER_HEAP_MB } from './kafka-version.constant.js';

/** A SASL user of the local broker. */
export interface KafkaBrokerUser {
  readonly name: string;
  readonly password: string;
}

/** What the SASL_SSL listener knows: its users (besides the admin, a super user). */
export interface SecureListenerOptions {
  /** Each gets SCRAM-SHA-256 and SCRAM-SHA-512 credentials and a PLAIN login; no ACLs (a super user grants them). */
  readonly users?: readonly KafkaBrokerUser[];
  /**
   * Clients must also present a certificate the CA signed (ssl.client.auth=required); one is
   * made for tests (`clientCertificate`, needs openssl). The principal still comes from SASL.
   */
  readonly requireClientCertificate?: boolean;
}

/** kafkajs-shaped connection options of a secured broker, for test clients. */
export interface SecureClientOptions {
  readonly ssl: { readonly ca: string; readonly rejectUnauthorized: true; readonly cert?: string; readonly key?: string };
  readonly sasl: { readonly mechanism: 'scram-sha-512'; readonly username: string; readonly password: string };
}

// User names and passwords go into server.properties (JAAS) and the storage tool's --add-scram
// argument: keep to characters neither syntax gives a meaning to.
const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const PASSWORD = /^[A-Za-z0-9._~+-]{8,128}$/;
const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';
const CONTROLLER_USER = 'controller';

export interface LocalKafkaBrokerOptions {
  /** Broker port; 0 or unset = a free port. */
  port?: number;
  /** Take this port when it is free, else any free one (`npm start` prefers 9092). */
  preferredPort?: number;
  /** Keep data here across runs; unset = a throw-away folder removed at stop. */
  dataDir?: string;
  heapMb?: number;
  /** Extra JVM options, after the defaults (a later option wins), e.g. `['-XX:TieredStopAtLevel=1']`. */
  jvmOptions?: readonly string[];
  /** Extra server.properties lines (key → value). */
  properties?: Record<string, string>;
  /**
   * Serve clients on a SASL_SSL listener (SCRAM-SHA-256/512 and PLAIN) instead of PLAINTEXT,
   * with a throw-away CA (see `tls`), ACLs enforced by the StandardAuthorizer and `admin` as
   * the only super user. Unset: the plaintext broker, no authentication, no ACLs.
   */
  secure?: SecureListenerOptions;
}

const STARTED_LINE = 'Kafka Server started';

function clusterId(): string {
  // KRaft wants 16 bytes, base64url; the storage tool rejects ids that look like options.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/**
 * A real single-node KRaft Apache Kafka broker from Maven Central jars, run with `java`
 * on 127.0.0.1. A watchdog process stops the JVM if the owning process dies without
 * calling stop(), so no JVM outlives a test run, even a killed one.
 */
export class LocalKafkaBroker {
  port = 0;
  private controllerPort = 0;
  private dataDir = '';
  private ownsDataDir = false;
  private jvm: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private dist: KafkaDistribution | undefined;
  private brokerTls: BrokerTls | undefined;
  private clientCert: (ClientCertificate & { readonly certPem: string; readonly keyPem: string }) | undefined;
  /** The super user of a secured broker; its password is made per broker. */
  readonly admin: KafkaBrokerUser | undefined;
  private readonly controllerPassword = randomBytes(18).toString('base64url');

  constructor(private readonly options: LocalKafkaBrokerOptions = {}) {
    if (options.secure !== undefined) {
      // Users are written into storage when it is formatted; a kept folder would keep old passwords.
      if (options.dataDir !== undefined) throw new Error('a secured broker runs on a throw-away data folder: leave dataDir unset');
      for (const user of options.secure.users ?? []) {
        if (!USER_NAME.test(user.name) || user.name === BROKER_ADMIN_USER || user.name === CONTROLLER_USER)
          throw new Error(`broker user name ${JSON.stringify(user.name)}: expected ${USER_NAME.source}, not ${BROKER_ADMIN_USER} or ${CONTROLLER_USER}`);
        if (!PASSWORD.test(user.password)) throw new Error(`password of broker user ${user.name}: expected ${PASSWORD.source} (value not shown)`);
      }
      this.admin = { name: BROKER_ADMIN_USER, password: randomBytes(18).toString('base64url') };
    }
  }

  /** The CA and broker certificate of a secured broker, once started. */
  get tls(): BrokerTls | undefined {
    return this.brokerTls;
  }

  /** The client certificate of a broker started with `requireClientCertificate`. */
  get clientCertificate(): ClientCertificate | undefined {
    return this.clientCert;
  }

  /** ssl + sasl options for a kafkajs client logging in as `user` (default: the admin) on a secured broker. */
  clientOptions(user: KafkaBrokerUser | undefined = this.admin): SecureClientOptions {
    if (this.brokerTls === undefined || user === undefined) throw new Error('clientOptions(): the broker is not secured or not started');
    const cert = this.clientCert === undefined ? {} : { cert: this.clientCert.certPem, key: this.clientCert.keyPem };
    return {
      ssl: { ca: this.brokerTls.caPem, rejectUnauthorized: true, ...cert },
      sasl: { mechanism: 'scram-sha-512', username: user.name, password: user.password },
    };
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  get logFile(): string {
    return join(this.dataDir, 'broker.log');
  }

  /** The JVM's process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.jvm?.pid : undefined;
  }

  get running(): boolean {
    return this.jvm !== undefined && this.jvm.exitCode === null && this.jvm.signalCode === null;
  }

  /** Fetches the jars if needed, formats storage and starts the broker; resolves once it serves clients. */
  async start(): Promise<this> {
    this.dist ??= await ensureKafkaDistribution();
    let lastError: unknown;
    for (let attempt = 1; attempt <= BROKER_START_ATTEMPTS; attempt++) {
      try {
        await this.prepare(attempt > 1);
        await this.launch();
        return this;
      } catch (err) {
        lastError = err;
        await this.killJvm();
      }
    }
    throw new Error(`Kafka broker did not start after ${BROKER_START_ATTEMPTS} attempts: ${String(lastError)}`);
  }

  /** Stops the broker (SIGTERM, then SIGKILL after a grace period). Keeps port and data so start() brings the same broker back. */
  async pause(): Promise<void> {
    const jvm = this.jvm;
    if (!jvm) return;
    if (!(jvm.exitCode !== null || jvm.signalCode !== null)) {
      jvm.kill('SIGTERM');
      if (!(await waitExit(jvm, BROKER_STOP_GRACE_MS))) {
        jvm.kill('SIGKILL');
        await waitExit(jvm, 5000);
      }
    }
    this.jvm = undefined;
    this.stopWatchdog();
  }

  /** Starts again after pause(), same port and data. */
  async resume(): Promise<void> {
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.pause();
    if (this.ownsDataDir && this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private async prepare(fresh: boolean): Promise<void> {
    if (!this.port || fresh) {
      this.port = this.options.port || (await freePort(this.options.preferredPort));
      this.controllerPort = await freePort();
    }
    if (this.options.dataDir) {
      this.dataDir = this.options.dataDir;
      await mkdir(this.dataDir, { recursive: true });
    } else {
      if (this.ownsDataDir && this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
      this.dataDir = await mkdtemp(join(tmpdir(), 'hookline-kafka-'));
      this.ownsDataDir = true;
    }
    const idFile = join(this.dataDir, 'cluster-id');
    const id = existsSync(idFile) ? (await readFile(idFile, 'utf8')).trim() : clusterId();
    await writeFile(idFile, id);
    if (this.options.secure !== undefined) {
      const tlsDir = join(this.dataDir, 'tls');
      this.brokerTls = await ensureBrokerTls(tlsDir);
      if (this.options.secure.requireClientCertificate === true) {
        const files = await ensureClientCertificate(tlsDir, this.brokerTls);
        this.clientCert = { ...files, certPem: await readFile(files.certFile, 'utf8'), keyPem: await readFile(files.keyFile, 'utf8') };
      }
    }
    const props: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${this.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.port}`,
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      ...this.secureProperties(),
      'log.dirs': join(this.dataDir, 'logs'),
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
      ...this.options.properties,
    };
    // Mode 0600: a secured broker's file holds its users' passwords.
    await writeFile(
      this.propertiesFile(),
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    const dist = this.distribution();
    const format = await new Promise<{ code: number | null; out: string }>((resolveRun, reject) => {
      const child = spawn(
        'java',
        [
          '-cp',
          dist.classpath,
          `-Dlog4j2.configurationFile=${dist.log4jConfig}`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          id,
          '-c',
          this.propertiesFile(),
          '--ignore-formatted',
          ...this.scramArguments(),
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolveRun({ code, out }));
    });
    if (format.code !== 0) throw new Error(`kafka storage format failed: ${format.out.slice(-2000)}`);
  }

  /**
   * The SASL_SSL listener in place of PLAINTEXT. The controller listener (127.0.0.1 only, not
   * advertised) takes SASL PLAIN with its own user, so no anonymous connection is a super user.
   */
  private secureProperties(): Record<string, string> {
    const tls = this.brokerTls;
    const admin = this.admin;
    if (tls === undefined || admin === undefined) return {};
    const users = [admin, ...(this.options.secure?.users ?? [])];
    const scram = (user: KafkaBrokerUser) =>
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.name}" password="${user.password}";`;
    const plainUsers = users.map((user) => `user_${user.name}="${user.password}"`).join(' ');
    return {
      listeners: `SASL_SSL://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'advertised.listeners': `SASL_SSL://127.0.0.1:${this.port}`,
      'inter.broker.listener.name': 'SASL_SSL',
      'listener.security.protocol.map': 'CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': scram(admin),
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scram(admin),
      'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.name}" password="${admin.password}" ${plainUsers};`,
      'sasl.mechanism.controller.protocol': 'PLAIN',
      'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.controller.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${CONTROLLER_USER}" password="${this.controllerPassword}" user_${CONTROLLER_USER}="${this.controllerPassword}";`,
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': tls.keyStore,
      'ssl.keystore.password': tls.storePassword,
      'ssl.key.password': tls.storePassword,
      'ssl.truststore.type': 'PKCS12',
      'ssl.truststore.location': tls.keyStore,
      'ssl.truststore.password': tls.storePassword,
      'authorizer.class.name': STANDARD_AUTHORIZER,
      'super.users': `User:${admin.name};User:${CONTROLLER_USER}`,
      'allow.everyone.if.no.acl.found': 'false',
      // Kafka ignores a plain ssl.client.auth on SASL listeners: only the listener-prefixed one counts.
      ...(this.options.secure?.requireClientCertificate === true ? { 'listener.name.sasl_ssl.ssl.client.auth': 'required' } : {}),
    };
  }

  /** SCRAM credentials are stored in the metadata log when storage is formatted. */
  private scramArguments(): string[] {
    if (this.admin === undefined) return [];
    return [this.admin, ...(this.options.secure?.users ?? [])].flatMap((user) =>
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${user.name},password=${user.password}]`]),
    );
  }

  private propertiesFile(): string {
    return join(this.dataDir, 'server.properties');
  }

  private distribution(): KafkaDistribution {
    if (this.dist === undefined) throw new Error('the Kafka distribution is not prepared yet: start() prepares it');
    return this.dist;
  }

  private async launch(): Promise<void> {
    const dist = this.distribution();
    const heap = this.options.heapMb ?? DEFAULT_BROKER_HEAP_MB;
    const logFd = openSync(this.logFile, 'a');
    // java is spawned directly (no shell) so SIGTERM reaches the JVM and it shuts down cleanly.
    const jvm = spawn(
      'java',
      [
        `-Xmx${heap}m`,
        `-Xms${heap}m`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${dist.log4jConfig}`,
        ...(this.options.jvmOptions ?? []),
        '-cp',
        dist.classpath,
        'kafka.Kafka',
        this.propertiesFile(),
      ],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    this.jvm = jvm;
    jvm.on('error', () => undefined);
    this.startWatchdog(jvm);
    const logStart = (await readFile(this.logFile, 'utf8').catch(() => '')).length;
    const deadline = Date.now() + BROKER_READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (jvm.exitCode !== null || jvm.signalCode !== null) {
        const log = await readFile(this.logFile, 'utf8').catch(() => '');
        throw new Error(`Kafka broker exited (${jvm.exitCode ?? jvm.signalCode}) before it was ready:\n${log.slice(-3000)}`);
      }
      const log = await readFile(this.logFile, 'utf8').catch(() => '');
      if (log.indexOf(STARTED_LINE, logStart) >= 0 && (await portAccepts(this.port))) return;
      await sleep(200);
    }
    throw new Error(`Kafka broker not ready within ${BROKER_READY_TIMEOUT_MS} ms (log: ${this.logFile})`);
  }

  private startWatchdog(jvm: ChildProcess): void {
    this.stopWatchdog();
    if (jvm.pid === undefined) return;
    const script = join(dirname(fileURLToPath(import.meta.url)), 'broker-watchdog.js');
    const args = [script, String(process.pid), String(jvm.pid)];
    if (this.ownsDataDir) args.push(this.dataDir);
    this.watchdog = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog && this.watchdog.exitCode === null) this.watchdog.kill('SIGTERM');
    this.watchdog = undefined;
  }

  private async killJvm(): Promise<void> {
    const jvm = this.jvm;
    this.jvm = undefined;
    this.stopWatchdog();
    if (jvm && jvm.exitCode === null && jvm.signalCode === null) {
      jvm.kill('SIGKILL');
      await waitExit(jvm, 5000);
    }
  }
}
