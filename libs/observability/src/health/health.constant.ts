/**
 * How long a dependency check may take before the dependency counts as down. Kept
 * well under a Kubernetes probe's default 1-10 s so a hung broker fails the probe
 * with a reason instead of timing it out.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
