import { z } from 'zod';

// Svix ids and uids as its OpenAPI describes them; bounded so nothing oversized is stored.
const id = z.string().min(1).max(256);
const uid = z.string().min(1).max(256).nullish();
const dateTime = z.iso.datetime({ offset: true });

const lastAttempt = z.object({ id, responseStatusCode: z.int(), timestamp: dateTime });
const attemptData = z.object({ appId: id, appUid: uid, msgId: id, msgEventId: uid, endpointId: id, lastAttempt });
const endpointData = z.object({ appId: id, appUid: uid, endpointId: id, endpointUid: uid });

/**
 * The operational webhooks the audit service acts on, with Svix's field names. Other
 * types (Svix adds new ones) are stored as received when they carry a `data` object.
 */
export const operationalWebhookSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.attempt.exhausted'), data: attemptData }),
  z.object({ type: z.literal('message.attempt.failing'), data: attemptData }),
  z.object({ type: z.literal('message.attempt.recovered'), data: attemptData }),
  z.object({ type: z.literal('endpoint.disabled'), data: endpointData.extend({ failSince: dateTime.nullish() }) }),
  z.object({ type: z.literal('endpoint.enabled'), data: endpointData }),
  z.object({ type: z.literal('endpoint.created'), data: endpointData }),
  z.object({ type: z.literal('endpoint.updated'), data: endpointData }),
  z.object({ type: z.literal('endpoint.deleted'), data: endpointData }),
]);

export const KNOWN_OPERATIONAL_TYPES: ReadonlySet<string> = new Set(operationalWebhookSchema.options.map((option) => option.shape.type.value));

/** The envelope every operational webhook has. */
export const operationalEnvelopeSchema = z.object({
  type: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-z0-9_.-]+$/, 'must be a Svix event type name'),
  data: z.record(z.string(), z.unknown()),
});

export type OperationalWebhook = z.infer<typeof operationalWebhookSchema>;
