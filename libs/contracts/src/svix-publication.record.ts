import { z } from 'zod';
import { EVENT_TYPES } from './event-types.constant.js';
import { identifier, isoDateTime, name } from './fields.schema.js';
import { ResultRecordCodec } from './result-record.codec.js';
import { TOPICS } from './topics.constant.js';

/**
 * One event published to Svix, as the svix-relay writes it to
 * hookline.svix-publications.v1 (key = the event's key: sid, or job id for dbroles).
 */
export const svixPublicationRecordSchema = z
  .strictObject({
    event_id: identifier('Id of the gateway event; also the Svix message eventId'),
    event_type: z.enum(EVENT_TYPES).describe('Type of the event (= Svix event type)'),
    event_time: isoDateTime('Time of the event'),
    key: identifier('Kafka key of the event: the sid, or the job id for dbroles.job.finished'),
    sid: identifier('Session id').nullable().describe('Session id; null for dbroles.job.finished'),
    org_id: identifier('Organisation id = the Svix application uid'),
    connection_name: name('Connection of the session; null when the event has none').nullable(),
    svix_app_id: z.string().max(256).describe('Svix application id the message went to'),
    svix_message_id: z.string().max(256).describe('Svix message id (msg_…)'),
    already_published: z.boolean().describe('True when Svix answered 409: this eventId was published before'),
    published_at: isoDateTime('When Svix accepted the message'),
  })
  .describe('An event accepted by Svix');

export type SvixPublicationRecord = z.infer<typeof svixPublicationRecordSchema>;

export const svixPublicationRecordCodec = new ResultRecordCodec<SvixPublicationRecord>(
  'svix-publication.v1',
  TOPICS.svixPublications,
  svixPublicationRecordSchema,
  (record) => record.key,
);
