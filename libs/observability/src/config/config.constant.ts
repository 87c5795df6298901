/** Nest injection token for the service's validated, frozen configuration object. */
export const APP_CONFIG = Symbol('hookline:app-config');

/** What a sensitive value is replaced with wherever configuration is shown. */
export const REDACTED = '[redacted]';
