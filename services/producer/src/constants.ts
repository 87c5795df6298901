// @hookline/producer/constants: the names other processes need (port, metrics, routes) without loading the service.
export { DEFAULT_PORT } from './config/producer.constant.js';
export { INGEST_METRICS, INGEST_PATH } from './ingest/ingest.constant.js';
