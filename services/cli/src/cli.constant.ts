/** Environment variables the CLI reads; flags win over them, they win over the config file. */
export const CLI_ENV = {
  /** Base URL used for every service unless a per-service URL is set. */
  apiUrl: 'HOOKLINE_API_URL',
  relayUrl: 'HOOKLINE_RELAY_URL',
  auditUrl: 'HOOKLINE_AUDIT_URL',
  token: 'HOOKLINE_TOKEN',
  /** Organisation (Svix application uid) the endpoint, message and plugin commands act on. */
  org: 'HOOKLINE_ORG',
  /** Where `hookline login` writes and every command reads the config file. */
  configFile: 'HOOKLINE_CONFIG',
} as const;

/** Where the services listen by default (their PORT defaults) on a local `npm start`. */
export const CLI_DEFAULTS = {
  relayUrl: 'http://127.0.0.1:8083',
  auditUrl: 'http://127.0.0.1:8084',
  /** A call that takes longer fails with a message naming the URL. */
  timeoutMs: 15_000,
} as const;

/** Exit codes: 0 ok, 1 the server refused or failed, 2 bad usage or configuration, 3 server unreachable. */
export const CLI_EXIT = { ok: 0, serverError: 1, usage: 2, unreachable: 3 } as const;

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;

/** The one plugin hookline has: which connections' session events are published to Svix. */
export const WEBHOOKS_PLUGIN = 'webhooks';
