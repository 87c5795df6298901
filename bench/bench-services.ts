import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { startEmbeddedPostgres } from '@hookline/database/embedded';
import { createTestDatabase } from '@hookline/database/testing';
import { ensureGatewayTopics, startGroupAtEnd } from '../test/svix-relay/relay-harness.js';

/** The checkout whose services run; BENCH_SERVICES_ROOT runs another one's build (a before/after comparison with the same bench). */
export const root = process.env['BENCH_SERVICES_ROOT'] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The relay image's NODE_OPTIONS (docker-compose.yml's build argument) and MALLOC_ARENA_MAX, unless BENCH_RELAY_NODE_OPTIONS / BENCH_RELAY_MALLOC_ARENA_MAX say otherwise. */
export const RELAY_PROCESS_ENV = {
  NODE_OPTIONS: process.env['BENCH_RELAY_NODE_OPTIONS'] ?? '--max-semi-space-size=8 --max-old-space-size=160',
  MALLOC_ARENA_MAX: process.env['BENCH_RELAY_MALLOC_ARENA_MAX'] ?? '2',
};

/**
 * Starts a service's compiled main.js as its own process (as in production) and waits until
 * /health/ready answers 200. `BENCH_<NAME>_LOGS` set: its stdout is shown.
 */
export async function startService(service: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const logs = process.env[`BENCH_${service.replace(/-/g, '_').toUpperCase()}_LOGS`] !== undefined;
  const child = spawn(process.execPath, [join(root, `services/${service}/dist/main.js`)], {
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', logs ? 'inherit' : 'ignore', 'inherit'],
  });
  return untilReady(child, service, port);
}

/** Waits until a started service answers /health/ready with 200 (60 s at most; killed if not). */
export async function untilReady(child: ChildProcess, service: string, port: number): Promise<ChildProcess> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`${service} not ready within 60 s`);
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * PostgreSQL as in production: BENCH_DATABASE_URL, else a throw-away database on the local
 * one; the embedded server (npm start's) only when no PostgreSQL answers.
 */
export async function benchDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const given = process.env['BENCH_DATABASE_URL'];
  if (given !== undefined) return { url: given, drop: () => Promise.resolve() };
  const database = await createTestDatabase(name).catch((error: unknown) => {
    console.warn(`no local PostgreSQL (${error instanceof Error ? error.message : String(error)}): the relay uses an embedded one`);
    return undefined;
  });
  if (database !== undefined) return { url: database.url, drop: () => database.drop() };
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.url, drop: () => embedded.stop() };
}

/**
 * A kafkajs client of the bench, the gateway topics ensured, and a new consumer group of the
 * relay that starts at the topics' end: earlier traffic on a shared broker is not part of the run.
 */
export async function relayGroupAtEnd(brokers: string[], name: string): Promise<{ kafka: Kafka; groupId: string }> {
  const kafka = new Kafka({ clientId: name, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${name}-${Date.now().toString(36)}`;
  try {
    await ensureGatewayTopics(admin);
    await startGroupAtEnd(kafka, admin, groupId);
  } finally {
    await admin.disconnect();
  }
  return { kafka, groupId };
}
