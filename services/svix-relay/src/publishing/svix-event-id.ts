import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_PREFIX, SVIX_ID_MAX_LENGTH, SVIX_ID_PATTERN } from '../relay.constant.js';

/**
 * The Svix `eventId` of a gateway event: its id when Svix accepts it as it is (UUIDs do),
 * else a stable digest of it, so the same event always maps to the same eventId.
 */
export function svixEventIdOf(eventId: string): string {
  if (eventId.length <= SVIX_ID_MAX_LENGTH && SVIX_ID_PATTERN.test(eventId)) return eventId;
  return `sha256-${createHash('sha256').update(eventId, 'utf8').digest('hex')}`;
}

/** The idempotency-key of the message create call: derived from the eventId, never random. */
export function idempotencyKeyOf(svixEventId: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}${svixEventId}`;
}
