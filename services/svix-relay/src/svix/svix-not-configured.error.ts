/** A management call needs Svix but SVIX_AUTH_TOKEN is not set. */
export class SvixNotConfiguredError extends Error {
  override readonly name = 'SvixNotConfiguredError';

  constructor() {
    super('Svix is not configured: set SVIX_AUTH_TOKEN (and SVIX_SERVER_URL for a self-hosted Svix) to use this call');
  }
}
