/** Injection token of the service's DatabaseHandle. */
export const DATABASE = Symbol('hookline:svix-relay:database');
