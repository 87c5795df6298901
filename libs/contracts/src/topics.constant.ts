/**
 * Kafka topic names. Versioned in the name (amplication's schema-registry style) so an
 * incompatible contract change gets a new topic instead of breaking old consumers.
 */
export const TOPICS = {
  /** session.open, session.close, microsoftteams.review.create; keyed by sid. */
  gatewaySessions: 'gateway.sessions.v1',
  /** dbroles.job.finished; keyed by job id. */
  gatewayDbroles: 'gateway.dbroles.v1',
  /** Results of hook executions: HookExecutionRecord (hook-execution.record.ts), key = sid. */
  hookExecutions: 'hookline.hook-executions.v1',
  /** Svix publications: SvixPublicationRecord (svix-publication.record.ts), key = event key. */
  svixPublications: 'hookline.svix-publications.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Topics the gateway writes events to; only these carry GatewayEvents. */
export const GATEWAY_TOPICS = [TOPICS.gatewaySessions, TOPICS.gatewayDbroles] as const;

export type GatewayTopic = (typeof GATEWAY_TOPICS)[number];

export const DLQ_SUFFIX = '.dlq';

/** Dead-letter topic of a topic: records that can never be processed go there with the reason. */
export function dlqTopic<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}${DLQ_SUFFIX}` as const;
}
