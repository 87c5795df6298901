/** Shorter tokens are refused at start: they could be guessed. */
export const TOKEN_MIN_LENGTH = 16;

/** Realm named in WWW-Authenticate challenges. */
export const AUTH_REALM = 'hookline-audit';
