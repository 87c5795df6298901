/**
 * Log paths whose values are replaced by "[redacted]". pino's `*` matches one
 * level, so the common secret names are listed at the top level and one level
 * down; request and response headers are listed by their full path.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  ...['authorization', 'cookie', 'password', 'token', 'tokens', 'secret', 'apiKey', 'accessToken', 'refreshToken', 'clientSecret'].flatMap((key) => [
    key,
    `*.${key}`,
  ]),
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
];

/** Scrapes and probes arrive every few seconds; logging them would drown real traffic. */
export const UNLOGGED_PATHS = /(^|\/)(metrics|health\/live|health\/ready)$/;
