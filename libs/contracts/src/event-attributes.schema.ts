import { z } from 'zod';
import { identifier, isoDateTime } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';

/** CloudEvents attributes; ids, sources and subjects become headers, hence visible ASCII only. */
export const eventAttributeSchemas = {
  type: z.string().max(LIMITS.nameLength).describe('Event type (ce_type)'),
  id: identifier("Event id (ce_id): the gateway's own id when it sent one, otherwise a UUIDv7"),
  source: identifier('Who produced the event (ce_source), a URI-reference'),
  time: isoDateTime('When the event happened (ce_time), ISO 8601 with timezone'),
  subject: identifier('ce_subject: the sid, or the job id for dbroles.job.finished'),
} as const;
