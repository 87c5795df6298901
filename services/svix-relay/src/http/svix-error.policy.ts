import { ApiError, type ApiErrorPolicy } from '@hookline/observability';
import { ApiException } from 'svix';
import { SERVICE_NAME } from '../relay.constant.js';
import { describeSvixFailure } from '../svix/svix-failure.js';
import { SvixNotConfiguredError } from '../svix/svix-not-configured.error.js';

/**
 * The relay's answers for Svix's own errors: they keep Svix's status and message
 * (`svix_status`), so the CLI shows what Svix said.
 */
export const SVIX_ERROR_POLICY: ApiErrorPolicy = {
  service: SERVICE_NAME,
  translate: (exception) => {
    if (exception instanceof SvixNotConfiguredError) return new ApiError(400, 'svix_not_configured', exception.message);
    if (exception instanceof ApiException) {
      const failure = describeSvixFailure(exception);
      // Svix's status as it is for 4xx; its 5xx become 502 (a bad gateway, not our fault) with Svix's status in the body.
      const status = exception.code >= 500 ? 502 : exception.code;
      return new ApiError(status, 'svix_error', `Svix answered ${exception.code}: ${failure.message}`, { extra: { svix_status: exception.code } });
    }
    if (isUnreachable(exception)) return new ApiError(502, 'svix_unreachable', `Svix could not be reached: ${describeSvixFailure(exception).message}`);
    return undefined;
  },
};

/** The SDK's fetch failing (connection refused, DNS, reset) or its request timeout; not any TypeError. */
function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'TimeoutError' || error.name === 'AbortError' || (error.name === 'TypeError' && error.message === 'fetch failed');
}
