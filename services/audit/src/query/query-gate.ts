import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { QUERY_BUSY_RETRY_AFTER_SECONDS, QUERY_MAX_CONCURRENT, QUERY_MAX_WAITING } from '../audit.constant.js';
import { ApiError } from '@hookline/observability';

/**
 * Bounds the read side: QUERY_MAX_CONCURRENT queries run at once, QUERY_MAX_WAITING more wait their
 * turn, and one beyond that is answered 503 with Retry-After at once, so a burst of heavy queries
 * holds a bounded number of result sets in memory instead of all of them.
 */
@Injectable()
export class QueryGate {
  private readonly limit = pLimit(QUERY_MAX_CONCURRENT);

  run<T>(query: () => Promise<T>): Promise<T> {
    if (this.limit.pendingCount >= QUERY_MAX_WAITING) {
      throw new ApiError(
        503,
        'busy',
        `the audit service is answering ${QUERY_MAX_CONCURRENT + QUERY_MAX_WAITING} queries already; retry after ${QUERY_BUSY_RETRY_AFTER_SECONDS} s`,
        {
          headers: { 'Retry-After': String(QUERY_BUSY_RETRY_AFTER_SECONDS) },
        },
      );
    }
    return this.limit(query);
  }

  /** Queries running and waiting now (tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.limit.activeCount, waiting: this.limit.pendingCount };
  }
}
