// @hookline/audit/constants: the names other processes need (port, metrics) without loading the service.
export { DEFAULT_PORT, AUDIT_METRICS } from './audit.constant.js';
