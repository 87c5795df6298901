// The only door into @hookline/observability.
export { APP_CONFIG, REDACTED } from './config/config.constant.js';
export { ConfigError, type ConfigIssue } from './config/config.error.js';
export {
  defineSettings,
  describeSettings,
  loadConfig,
  loadConfigOrExit,
  redactedConfig,
  type SettingDescription,
  type SettingsRules,
} from './config/load-config.js';
export type { ConfigOf, Setting, SettingOptions, SettingsDefinition } from './config/setting.js';
export { LOG_LEVELS, setting, type LogLevel } from './config/setting-builders.js';
export { HEALTH_CHECK_TIMEOUT_MS } from './health/health.constant.js';
export { HealthRegistry, type DependencyCheck, type DependencyState } from './health/health-registry.service.js';
export { createLogger, type LoggerSettings } from './logging/create-logger.js';
export { REDACTED_LOG_PATHS } from './logging/logging.constant.js';
export { useServiceLogger } from './logging/use-service-logger.js';
export { DURATION_BUCKETS_SECONDS, LONG_DURATION_BUCKETS_SECONDS } from './metrics/metrics.constant.js';
export { MetricsRegistry, type CounterDefinition, type HistogramDefinition } from './metrics/metrics-registry.service.js';
export { ObservabilityModule } from './observability.module.js';
export type { ObservabilityOptions } from './observability-options.js';
export { EndpointUrlPolicy, EndpointUrlRefused, forbiddenAddressReason, maskEndpointUrl, METADATA_HOST_NAMES, parseAllowEntry, type Resolve } from './http/endpoint-url-policy.js';
export { answerAfterDraining, DRAIN_MAX_BYTES, DRAIN_MAX_MS } from './http/drain-request.js';
export { hasRequestBody, JsonBodyInterceptor, ReadsOwnBody } from './http/json-body.interceptor.js';
export { listenManagement, separateManagementRoutes } from './http/management-port.js';
export { redactHealthDetail } from './health/health-registry.service.js';
export { HEAP_GROWING_PERCENT, limitHeapGrowth, SERVICE_PROCESS_ENV } from './runtime/process-memory.js';
