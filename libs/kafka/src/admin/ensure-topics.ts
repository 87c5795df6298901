import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { deadLetterTopicOf } from '../consumer/dead-letter.publisher.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Also ensure `<topic>.dlq` with the same settings. Default true. */
  withDeadLetterTopic?: boolean;
}

export interface EnsureTopicsResult {
  created: string[];
  /** Topics that had fewer partitions than wanted and were grown. */
  grown: string[];
}

function isAdmin(target: Admin | Kafka): target is Admin {
  return typeof (target as Admin).createTopics === 'function';
}

function errorType(error: unknown): string | undefined {
  const e = error as { type?: unknown; errors?: unknown[] } | null;
  if (typeof e?.type === 'string') return e.type;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return errorType(e.errors[0]);
  return undefined;
}

/**
 * Creates missing topics (and their dead-letter topics) and grows topics with fewer
 * partitions than wanted. Safe to call from every instance at start: existing topics
 * are left alone, and a concurrent creator winning the race is fine. Partitions are
 * never reduced (Kafka cannot), and growing one moves keys to new partitions, which
 * only matters for records produced after the change.
 */
export async function ensureTopics(target: Admin | Kafka, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  const admin = isAdmin(target) ? target : target.admin();
  const ownAdmin = !isAdmin(target);
  if (ownAdmin) await admin.connect();
  try {
    const wanted = new Map<string, TopicSpec>();
    for (const spec of specs) {
      wanted.set(spec.topic, spec);
      if (spec.withDeadLetterTopic ?? true)
        wanted.set(deadLetterTopicOf(spec.topic), { ...spec, topic: deadLetterTopicOf(spec.topic), withDeadLetterTopic: false });
    }
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted.values()].filter((s) => !existing.has(s.topic));
    const created: string[] = [];
    if (missing.length > 0) {
      const topics: ITopicConfig[] = missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        ...(s.replicationFactor !== undefined ? { replicationFactor: s.replicationFactor } : {}),
        ...(s.configs !== undefined ? { configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })) } : {}),
      }));
      try {
        await admin.createTopics({ topics, waitForLeaders: true });
        created.push(...missing.map((s) => s.topic));
      } catch (error) {
        // Another instance created some of them first: re-check below.
        if (errorType(error) !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    }
    const grown: string[] = [];
    const metadata = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
    for (const topic of metadata.topics) {
      const spec = wanted.get(topic.name);
      if (spec === undefined || topic.partitions.length >= spec.numPartitions) continue;
      try {
        await admin.createPartitions({ topicPartitions: [{ topic: topic.name, count: spec.numPartitions }] });
        grown.push(topic.name);
      } catch (error) {
        // Someone else grew it meanwhile.
        if (errorType(error) !== 'INVALID_PARTITIONS') throw error;
      }
    }
    return { created, grown };
  } finally {
    if (ownAdmin) await admin.disconnect();
  }
}
