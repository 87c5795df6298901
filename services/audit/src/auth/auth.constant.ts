/** Realm named in WWW-Authenticate challenges. */
export const AUTH_REALM = 'hookline-audit';
