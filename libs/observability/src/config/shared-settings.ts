import { setting } from './setting-builders.js';
import { distinctValues, withRules } from './settings-rule.js';

/** PORT, HOST and MANAGEMENT_PORT: where a service listens. `serves` completes "HTTP port of …". */
export function listenSettings(defaultPort: number, serves: string) {
  return {
    PORT: setting.port({ description: `HTTP port of ${serves}.`, default: defaultPort }),
    HOST: setting.text({ description: 'Address the HTTP server binds to.', default: '0.0.0.0' }),
    MANAGEMENT_PORT: setting.managementPort(),
  };
}

/**
 * ADMIN_TOKENS and AUDITOR_TOKENS: the bearer tokens of the two roles of a management or
 * query API (auditors optional); a token listed in both refuses the start.
 */
export function roleTokenSettings(descriptions: { readonly admin: string; readonly auditor: string }) {
  return {
    ADMIN_TOKENS: withRules(setting.tokens({ description: descriptions.admin, sensitive: true }), distinctValues('ADMIN_TOKENS', 'AUDITOR_TOKENS')),
    AUDITOR_TOKENS: setting.tokens({ description: descriptions.auditor, sensitive: true, optional: true }),
  };
}
