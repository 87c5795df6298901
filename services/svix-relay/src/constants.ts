// @hookline/svix-relay/constants: the names other processes need (port, metrics, routes) without loading the service.
export { DEFAULT_PORT, RELAY_METRICS, API_PREFIX, WEBHOOKS_PLUGIN } from './relay.constant.js';
