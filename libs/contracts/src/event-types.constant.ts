/** Every event type the gateway emits; the order is the order they are documented in. */
export const EVENT_TYPES = ['session.open', 'session.close', 'microsoftteams.review.create', 'dbroles.job.finished'] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
