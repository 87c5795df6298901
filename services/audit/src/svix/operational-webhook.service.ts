import { Inject, Injectable } from '@nestjs/common';
import { ApiError, type ApiErrorDetail, APP_CONFIG } from '@hookline/observability';
import { sql } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import { Webhook, WebhookVerificationError } from 'svix';
import type { z } from 'zod';
import { OPERATIONAL_MAX_DEPTH } from '../audit.constant.js';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { endpointStates, operationalWebhooks } from '../database/audit.schema.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { pgJson, pgText } from '../records/pg-text.js';
import { KNOWN_OPERATIONAL_TYPES, operationalEnvelopeSchema, operationalWebhookSchema, type OperationalWebhook } from './operational-webhook.schema.js';

/** The Svix signature headers, as they arrived. */
export interface SvixSignatureHeaders {
  readonly 'svix-id'?: string | undefined;
  readonly 'svix-timestamp'?: string | undefined;
  readonly 'svix-signature'?: string | undefined;
}

export interface OperationalReceipt {
  readonly stored: boolean;
  readonly duplicate: boolean;
  readonly type: string;
}

/** Bounded label for a type that may come from anyone holding the secret. */
function typeLabel(type: string): string {
  return KNOWN_OPERATIONAL_TYPES.has(type) ? type : 'other';
}

/** Depth of a parsed JSON value, without recursion (a hostile body cannot blow the stack). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [item, depth] = entry;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > OPERATIONAL_MAX_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function detailsOf(error: z.ZodError): ApiErrorDetail[] {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
}

/**
 * Svix operational webhooks: the signature is checked with the svix SDK (which also
 * refuses timestamps more than 5 minutes off, so a captured request cannot be
 * replayed later), then the body's shape; only then is anything stored, once per
 * svix-id, with its effect on the endpoint's state in the same transaction.
 */
@Injectable()
export class OperationalWebhookService {
  private readonly webhook: Webhook | undefined;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AuditConfig, 'SVIX_OPERATIONAL_WEBHOOK_SECRET'>,
    private readonly database: AuditDatabase,
    private readonly metrics: AuditMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(OperationalWebhookService.name);
    const secret = config.SVIX_OPERATIONAL_WEBHOOK_SECRET;
    this.webhook = secret === undefined ? undefined : new Webhook(secret);
  }

  /**
   * What can be refused before the body is read: not configured (503), or none of Svix's
   * signature headers (401). An unauthenticated caller never makes the service read a body.
   */
  precheck(headers: SvixSignatureHeaders): void {
    const verifier = this.requireConfigured();
    const missing = [headers['svix-id'], headers['svix-timestamp'], headers['svix-signature']].some((value) => value === undefined || value === '');
    if (missing) this.verify(verifier, Buffer.alloc(0), headers);
  }

  async receive(body: Buffer, headers: SvixSignatureHeaders): Promise<OperationalReceipt> {
    const verifier = this.requireConfigured();
    const svixId = this.verify(verifier, body, headers);
    const webhook = this.parse(body);
    // verify() succeeded, so the three headers are present and well-formed.
    const sentAt = new Date(Number(headers['svix-timestamp']) * 1000);
    const stored = await this.store(svixId, sentAt, webhook);
    const label = typeLabel(webhook.envelope.type);
    this.metrics.operationalWebhooks.inc({ type: label, outcome: stored ? 'stored' : 'duplicate' });
    if (stored && webhook.known?.type === 'message.attempt.exhausted') this.metrics.deliveryExhausted.inc({ endpoint: webhook.known.data.endpointId });
    return { stored, duplicate: !stored, type: webhook.envelope.type };
  }

  private requireConfigured(): Webhook {
    if (this.webhook !== undefined) return this.webhook;
    this.metrics.operationalWebhooks.inc({ type: 'unknown', outcome: 'not_configured' });
    throw new ApiError(503, 'not_configured', 'operational webhooks are not accepted: SVIX_OPERATIONAL_WEBHOOK_SECRET is not set');
  }

  /** Checks the signature; answers the (then present) svix-id. */
  private verify(verifier: Webhook, body: Buffer, headers: SvixSignatureHeaders): string {
    const svixId = headers['svix-id'] ?? '';
    try {
      verifier.verify(body, {
        'svix-id': svixId,
        'svix-timestamp': headers['svix-timestamp'] ?? '',
        'svix-signature': headers['svix-signature'] ?? '',
      });
    } catch (error) {
      this.metrics.operationalWebhooks.inc({ type: 'unknown', outcome: 'bad_signature' });
      const reason = error instanceof WebhookVerificationError ? error.message : 'the signature could not be checked';
      this.logger.warn({ reason, svixId: headers['svix-id']?.slice(0, 64) }, 'operational webhook refused');
      throw new ApiError(
        401,
        'invalid_signature',
        `operational webhook refused: ${reason} (svix-id, svix-timestamp and svix-signature must be Svix's, signed with the endpoint secret, within 5 minutes)`,
      );
    }
    return svixId;
  }

  private parse(body: Buffer): { envelope: z.infer<typeof operationalEnvelopeSchema>; known: OperationalWebhook | undefined; payload: unknown } {
    const malformed = (message: string, details?: ApiErrorDetail[]): ApiError => {
      this.metrics.operationalWebhooks.inc({ type: 'unknown', outcome: 'malformed' });
      return new ApiError(400, 'malformed_body', message, { details });
    };
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw malformed('the body is not JSON; an operational webhook is {"type": "...", "data": {...}}');
    }
    if (nestingDepth(payload) > OPERATIONAL_MAX_DEPTH) throw malformed(`the body is nested deeper than ${OPERATIONAL_MAX_DEPTH} levels`);
    const envelope = operationalEnvelopeSchema.safeParse(payload);
    if (!envelope.success) throw malformed('the body is not an operational webhook {"type": "...", "data": {...}}', detailsOf(envelope.error));
    if (!KNOWN_OPERATIONAL_TYPES.has(envelope.data.type)) return { envelope: envelope.data, known: undefined, payload };
    const known = operationalWebhookSchema.safeParse(payload);
    if (!known.success) throw malformed(`the ${envelope.data.type} webhook's data does not have Svix's shape`, detailsOf(known.error));
    return { envelope: envelope.data, known: known.data, payload };
  }

  /** Stores the webhook once per svix-id and applies its effect; false when it was already stored. */
  private async store(svixId: string, sentAt: Date, webhook: ReturnType<OperationalWebhookService['parse']>): Promise<boolean> {
    const data = webhook.envelope.data;
    const text = (value: unknown): string | null => (typeof value === 'string' ? pgText(value.slice(0, 256)) : null);
    return this.database.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(operationalWebhooks)
        .values({
          svixId,
          type: webhook.envelope.type,
          appId: text(data.appId),
          endpointId: text(data.endpointId),
          messageId: text(data.msgId),
          eventId: text(data.msgEventId),
          payload: pgJson(webhook.payload),
          sentAt,
        })
        .onConflictDoNothing()
        .returning({ svixId: operationalWebhooks.svixId });
      if (inserted.length === 0) return false;
      const known = webhook.known;
      if (known === undefined) return true;
      const key = { endpointId: known.data.endpointId, appId: known.data.appId };
      const upsert = (set: Partial<typeof endpointStates.$inferInsert>) =>
        tx
          .insert(endpointStates)
          .values({ ...key, ...set, updatedAt: sentAt })
          .onConflictDoUpdate({ target: endpointStates.endpointId, set: { ...set, updatedAt: sentAt } });
      switch (known.type) {
        case 'message.attempt.exhausted':
        case 'message.attempt.failing': {
          const since = new Date(known.data.lastAttempt.timestamp);
          await tx
            .insert(endpointStates)
            .values({ ...key, failingSince: since, updatedAt: sentAt })
            .onConflictDoUpdate({
              target: endpointStates.endpointId,
              set: { failingSince: sql`coalesce(${endpointStates.failingSince}, excluded.failing_since)`, updatedAt: sentAt },
            });
          break;
        }
        case 'message.attempt.recovered':
          await upsert({ failingSince: null });
          break;
        case 'endpoint.disabled':
          await upsert({ disabled: true });
          break;
        case 'endpoint.enabled':
        case 'endpoint.created':
          await upsert({ disabled: false, failingSince: null });
          break;
        case 'endpoint.updated':
        case 'endpoint.deleted':
          break;
      }
      return true;
    });
  }
}
