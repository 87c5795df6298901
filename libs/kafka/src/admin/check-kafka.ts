import type { Admin, Kafka } from 'kafkajs';
import { HEALTH_DEFAULTS } from '../kafka.constant.js';
import { errorMessage } from '../consumer/error-classifier.js';

export interface KafkaHealth {
  up: boolean;
  detail: { brokers?: number; controller?: number | null; clusterId?: string; error?: string; ms: number };
}

/**
 * Readiness check: describeCluster within `timeoutMs`. Pass a connected Admin to
 * reuse one connection across probes; with a client, an admin is made per check.
 */
export async function checkKafka(target: Admin | Kafka, timeoutMs: number = HEALTH_DEFAULTS.timeoutMs): Promise<KafkaHealth> {
  const started = Date.now();
  const ownAdmin = typeof (target as Admin).describeCluster !== 'function';
  const admin = ownAdmin ? (target as Kafka).admin() : (target as Admin);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const probe = (async () => {
    if (ownAdmin) await admin.connect();
    return admin.describeCluster();
  })();
  try {
    const cluster = await Promise.race([probe, timeout]);
    return { up: true, detail: { brokers: cluster.brokers.length, controller: cluster.controller, clusterId: cluster.clusterId, ms: Date.now() - started } };
  } catch (error) {
    return { up: false, detail: { error: errorMessage(error), ms: Date.now() - started } };
  } finally {
    clearTimeout(timer);
    if (ownAdmin) {
      // Disconnect only after the probe settled, or a late connect would leak.
      void probe.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
    }
  }
}
