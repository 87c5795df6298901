// @hookline/hook-executor/constants: the names other processes need (port, metrics, hook variables) without loading the service.
export { DEFAULT_PORT, HOOK_ENV_PREFIX } from './config/hook-executor.constant.js';
export { HOOK_METRICS } from './hooks/hooks.constant.js';
