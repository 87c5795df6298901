// Every table of the audit service, for drizzle queries.
export { gatewayEvents } from './gateway-event.table.js';
export { hookExecutions } from './hook-execution.table.js';
export { svixPublications } from './svix-publication.table.js';
export { deliveryAttempts } from './delivery-attempt.table.js';
export { operationalWebhooks } from './operational-webhook.table.js';
export { endpointStates } from './endpoint-state.table.js';
export { attemptCursors } from './attempt-cursor.table.js';
