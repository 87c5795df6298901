// What tests and tools import from @hookline/svix-relay; main.ts is the service itself.
export { createRelayApp } from './app.factory.js';
export { AppModule, type RelayAppOptions } from './app.module.js';
export { relaySettings, type RelayConfig } from './config/relay.settings.js';
export {
  SERVICE_NAME,
  RELAY_METRICS,
  FILTER_REASONS,
  CONSUMED_TOPICS,
  PUBLICATIONS_TOPIC,
  API_PREFIX,
  WEBHOOKS_PLUGIN,
  MIGRATIONS_TABLE,
} from './relay.constant.js';
export { svixEventIdOf, idempotencyKeyOf } from './publishing/svix-event-id.js';
export { renderTeamsReviewCard } from './publishing/teams-card.renderer.js';
