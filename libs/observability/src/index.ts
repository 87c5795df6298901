// The only door into @hookline/observability.
export { APP_CONFIG, REDACTED, TOKEN_CHARACTERS, TOKEN_MIN_LENGTH } from './config/config.constant.js';
export { kafkaClientSettings, listenSettings, roleTokenSettings, svixApiSettings } from './config/shared-settings.js';
export { ConfigError, type ConfigIssue } from './config/config.error.js';
export { defineSettings, describeSettings, loadConfig, loadConfigOrExit, redactedConfig, type SettingDescription } from './config/load-config.js';
export type { ConfigOf, Setting, SettingOptions, SettingsDefinition } from './config/setting.js';
export { distinctValues, enforceRules, withRules, type SettingsRule } from './config/settings-rule.js';
export { commaSeparated, LOG_LEVELS, setting, type LogLevel } from './config/setting-builders.js';
export { HEALTH_CHECK_TIMEOUT_MS } from './health/health.constant.js';
export { HealthRegistry, type DependencyCheck, type DependencyState } from './health/health-registry.service.js';
export { createLogger, type LoggerSettings } from './logging/create-logger.js';
export { REDACTED_LOG_PATHS } from './logging/logging.constant.js';
export { useServiceLogger } from './logging/use-service-logger.js';
export { DURATION_BUCKETS_SECONDS, LONG_DURATION_BUCKETS_SECONDS } from './metrics/metrics.constant.js';
export { parsePrometheusText, selectSamples, sumSamples, type LabelMatcher, type PrometheusSample } from './metrics/prometheus-text.js';
export { MetricsRegistry, type CounterDefinition, type HistogramDefinition } from './metrics/metrics-registry.service.js';
export { ObservabilityModule } from './observability.module.js';
export type { ObservabilityOptions } from './observability-options.js';
export {
  EndpointUrlPolicy,
  EndpointUrlRefused,
  forbiddenAddressReason,
  maskEndpointUrl,
  METADATA_HOST_NAMES,
  parseAllowEntry,
  type Resolve,
} from './http/endpoint-url-policy.js';
export { answerAfterDraining, DRAIN_MAX_BYTES, DRAIN_MAX_MS } from './http/drain-request.js';
export { hasRequestBody, JsonBodyInterceptor, ReadsOwnBody } from './http/json-body.interceptor.js';
export { listenManagement, separateManagementRoutes } from './http/management-port.js';
export { redactHealthDetail } from './health/health-registry.service.js';
export { ApiError, type ApiErrorBody, type ApiErrorDetail, type ApiErrorOptions } from './http/api-error.js';
export { API_ERROR_MESSAGE_MAX_LENGTH, ApiExceptionFilter, apiExceptionFilter, httpErrorCode, type ApiErrorPolicy } from './http/api-exception.filter.js';
export { BearerTokens, type BearerTokensOptions, type RefusalFactory } from './http/bearer-tokens.js';
export { counterMetric, gaugeMetric, histogramMetric, MetricSet, registerMetrics, type MetricSpec, type MetricsOf } from './metrics/metric-set.js';
export {
  createServiceApp,
  serveApp,
  serviceRootModule,
  type ListenSettings,
  type ServiceAppOptions,
  type ServiceDocs,
  type ServiceModuleParts,
} from './boot/service-app.js';
export { processAlive } from './boot/process-alive.js';
export { HEAP_GROWING_PERCENT, limitHeapGrowth, SERVICE_PROCESS_ENV } from './runtime/process-memory.js';
