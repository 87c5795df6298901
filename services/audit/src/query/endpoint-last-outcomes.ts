import { ATTEMPT_STATUSES } from '@hookline/contracts';
import { sql, type SQL } from 'drizzle-orm';
import type { AuditDatabase } from '../database/audit-database.service.js';
import { deliveryAttempts } from '../database/audit.schema.js';

const SUCCESS = ATTEMPT_STATUSES.indexOf('success');
const FAIL = ATTEMPT_STATUSES.indexOf('fail');

export interface EndpointLastOutcomes {
  readonly endpointId: string;
  /** Timestamps as PostgreSQL's text; null when the endpoint had none. */
  readonly lastSuccess: string | null;
  readonly lastFailure: string | null;
}

/** Per endpoint, its last successful and last failed attempt among the attempts `where` keeps (the summary and the endpoint gauges). */
export function endpointLastOutcomes(db: AuditDatabase['db'], where: SQL | undefined): Promise<EndpointLastOutcomes[]> {
  return db
    .select({
      endpointId: deliveryAttempts.endpointId,
      lastSuccess: sql<string | null>`max(${deliveryAttempts.attemptedAt}) filter (where ${deliveryAttempts.status} = ${sql.raw(String(SUCCESS))})`,
      lastFailure: sql<string | null>`max(${deliveryAttempts.attemptedAt}) filter (where ${deliveryAttempts.status} = ${sql.raw(String(FAIL))})`,
    })
    .from(deliveryAttempts)
    .where(where)
    .groupBy(deliveryAttempts.endpointId);
}
