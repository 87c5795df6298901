/**
 * Histogram buckets, in seconds. Kept here so every service's dashboards compare
 * like with like.
 */

/** Request/handler latencies: 5 ms to 10 s. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Long-running work (hook runs, end-to-end delivery): 100 ms to 10 min. */
export const LONG_DURATION_BUCKETS_SECONDS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Every hookline metric name starts with this (CONVENTIONS.md: hookline_<thing>_<unit>). */
export const METRIC_PREFIX = 'hookline_';
