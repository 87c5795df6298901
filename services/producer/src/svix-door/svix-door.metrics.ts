import { Injectable } from '@nestjs/common';
import { counterMetric, MetricSet } from '@hookline/observability';
import {
  ACKNOWLEDGED_ONLY_EVENT_TYPES,
  CARRIED_EVENT_TYPES,
  DOOR_METRICS,
  UNKNOWN_EVENT_TYPE_LABEL,
  type DoorOutcome,
  type DroppedFieldLabel,
} from './svix-door.constant.js';

/** event_type label: a carried or acknowledged type, else `unknown` (bounded). */
export function doorEventTypeLabel(type: unknown): string {
  return typeof type === 'string' && ((CARRIED_EVENT_TYPES as readonly string[]).includes(type) || ACKNOWLEDGED_ONLY_EVENT_TYPES.includes(type))
    ? type
    : UNKNOWN_EVENT_TYPE_LABEL;
}

/** The door's counters: messages by type and outcome, dropped hoop fields, forwarded management calls. */
@Injectable()
export class SvixDoorMetrics extends MetricSet({
  events: counterMetric(DOOR_METRICS.events, 'Message.Create calls received on the Svix-compatible door (/api/v1/app/{app}/msg), by event type and outcome.', [
    'event_type',
    'outcome',
  ]),
  dropped: counterMetric(
    DOOR_METRICS.droppedFields,
    'Fields of hoop payloads the door does not carry into the contracts (dropped, never refused), by event type and field.',
    ['event_type', 'field'],
  ),
  forwarded: counterMetric(DOOR_METRICS.forwarded, 'Svix management calls forwarded by the door to SVIX_SERVER_URL, by operation and answer status class.', [
    'operation',
    'status_class',
  ]),
}) {
  event(type: unknown, outcome: DoorOutcome): void {
    this.events.inc({ event_type: doorEventTypeLabel(type), outcome });
  }

  droppedFields(type: string, fields: readonly DroppedFieldLabel[]): void {
    for (const field of fields) this.dropped.inc({ event_type: doorEventTypeLabel(type), field });
  }

  forward(operation: string, status: number): void {
    this.forwarded.inc({ operation, status_class: status === 0 ? 'unreachable' : `${Math.floor(status / 100)}xx` });
  }
}
