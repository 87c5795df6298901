// Names and bounds of the Svix-compatible door (hoop Enterprise's webhooks plugin), in one place.
import type { EventType } from '@hookline/contracts';

/** Every door route lives under this prefix, as the Svix API's do (WEBHOOK_APPURL is the producer's base URL). */
export const SVIX_DOOR_PREFIX = 'api/v1';

/**
 * Event types hoop sends that hookline carries (Message.Create → Kafka). hoop's event type
 * names are hookline's contract names.
 */
export const CARRIED_EVENT_TYPES: readonly EventType[] = ['session.open', 'session.close', 'microsoftteams.review.create', 'dbroles.job.finished'];

/**
 * Sent by hoop's dbroles provisioner just before dbroles.job.finished; when it fails hoop
 * never sends dbroles.job.finished. hookline has no contract for it, so it is acknowledged
 * (202, Svix's MessageOut) and not carried, never refused.
 */
export const ACKNOWLEDGED_ONLY_EVENT_TYPES: readonly string[] = ['dbroles.custom.job.finished'];

/** CloudEvents source of the events that came through the door. */
export const DOOR_EVENT_SOURCE = 'hookline/producer/svix-door';

export const DOOR_METRICS = {
  events: 'hookline_svix_door_events_total',
  droppedFields: 'hookline_svix_door_dropped_fields_total',
  forwarded: 'hookline_svix_door_forwarded_total',
} as const;

/** Outcome label of hookline_svix_door_events_total. */
export type DoorOutcome =
  'accepted' | 'not_carried' | 'replayed' | 'duplicate' | 'unmappable' | 'unknown_event_type' | 'refused' | 'unauthorized' | 'kafka_unavailable';

/** event_type label for a type that is neither carried nor acknowledged (bounded labels). */
export const UNKNOWN_EVENT_TYPE_LABEL = 'unknown';

/**
 * field label of hookline_svix_door_dropped_fields_total: the hoop fields the door knows
 * and does not carry, and `unknown_field` for anything else a gateway adds.
 */
export const DROPPED_FIELD_LABELS = ['has_input_args', 'session_time', 'credentials_info', 'unknown_field'] as const;
export type DroppedFieldLabel = (typeof DROPPED_FIELD_LABELS)[number];

/** Svix's id pattern (app uid, endpoint id, event type name, eventId): path segments must match it. */
export const SVIX_ID_PATTERN = /^[a-zA-Z0-9\-_.]+$/;
export const SVIX_ID_MAX_LENGTH = 256;

/** Svix keeps an idempotency-key's first answer 12 h; the door does the same. */
export const IDEMPOTENCY_TTL_MS = 12 * 60 * 60 * 1000;

/** Largest management-call body forwarded to Svix (endpoint and event type definitions are small). */
export const MANAGEMENT_MAX_BODY_BYTES = 1024 * 1024;

/** Organisations the door remembers having seen (GetOrCreate, accepted messages), newest kept. */
export const SEEN_APPLICATIONS_MAX = 10_000;
