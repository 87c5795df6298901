import type { GatewayEvent, HookExecutionRecord, SvixPublicationRecord } from '@hookline/contracts';

/** A consumed record, decoded by topic. */
export type AuditRecord =
  | { readonly kind: 'gateway-event'; readonly event: GatewayEvent }
  | { readonly kind: 'hook-execution'; readonly record: HookExecutionRecord }
  | { readonly kind: 'publication'; readonly record: SvixPublicationRecord }
  | { readonly kind: 'undecodable-gateway-record'; readonly reason: string };
