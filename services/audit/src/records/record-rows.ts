import {
  hookExecutionRecordSchema,
  svixPublicationRecordSchema,
  type GatewayEvent,
  type HookExecutionRecord,
  type SvixPublicationRecord,
} from '@hookline/contracts';
import { hookExecutions, svixPublications, type deliveryAttempts, type gatewayEvents } from '../database/audit.schema.js';
import { recordToRow } from './record-table.js';

export type GatewayEventRow = typeof gatewayEvents.$inferInsert;
export type HookExecutionRow = typeof hookExecutions.$inferInsert;
export type PublicationRow = typeof svixPublications.$inferInsert;
export type AttemptRow = typeof deliveryAttempts.$inferInsert;

/** Where a gateway record was read: kept so a row can be traced back to its offset. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function gatewayEventRow(event: GatewayEvent, position: RecordPosition): GatewayEventRow {
  const data = event.data as { org_id: string; connection_name?: string };
  const isSession = event.type !== 'dbroles.job.finished';
  return {
    eventId: event.id,
    eventType: event.type,
    eventTime: new Date(event.time),
    sid: isSession ? event.subject : null,
    key: event.subject,
    orgId: data.org_id,
    connectionName: data.connection_name ?? null,
    topic: position.topic,
    partition: position.partition,
    offset: position.offset,
  };
}

/** A hook run's record as its row (columns named as the record's fields). */
export const hookExecutionRow: (record: HookExecutionRecord) => HookExecutionRow = recordToRow(hookExecutions, hookExecutionRecordSchema);

/** A publication's record as its row (columns named as the record's fields). */
export const publicationRow: (record: SvixPublicationRecord) => PublicationRow = recordToRow(svixPublications, svixPublicationRecordSchema);
