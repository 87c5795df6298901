// What tests and tools import from @hookline/producer; main.ts is the service itself.
export { createProducerApp } from './app.factory.js';
export { AppModule, SERVICE_NAME, type ProducerAppOptions } from './app.module.js';
export { producerSettings, type ProducerConfig } from './config/producer.settings.js';
export { INGEST_METRICS, INGEST_PATH, MAX_ERROR_DETAILS, KAFKA_UNAVAILABLE_RETRY_AFTER_SECONDS } from './ingest/ingest.constant.js';
export { KAFKA_PRODUCE_DURATION_METRIC, PRODUCED_TOPICS } from './kafka/kafka.constant.js';
export type { ApiErrorBody, ApiErrorDetail } from '@hookline/observability';
export type { IngestAcceptedDto } from './ingest/dto/ingest-accepted.dto.js';
export type { IngestRequestBody } from './ingest/dto/ingest-request.dto.js';
export { RUNBOOK_HOOK_PATH, RUNBOOK_HOOK_EVENT_SOURCE } from './hoop-hooks/runbook-hook.constant.js';
export { mapRunbookHook } from './hoop-hooks/runbook-hook.mapper.js';
