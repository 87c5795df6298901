/** Nest injection token for the service's validated, frozen configuration object. */
export const APP_CONFIG = Symbol('hookline:app-config');

/** What a sensitive value is replaced with wherever configuration is shown. */
export const REDACTED = '[redacted]';

/** Bearer tokens shorter than this are refused at start: they could be guessed. */
export const TOKEN_MIN_LENGTH = 16;

/** Visible ASCII without the comma (the separator of token lists): what travels in an Authorization header. */
export const TOKEN_CHARACTERS = '\\x21-\\x2B\\x2D-\\x7E';
