// The only door into @hookline/contracts: everything a service may use is exported here.
export { EVENT_TYPES, isEventType, type EventType } from './event-types.constant.js';
export { TOPICS, GATEWAY_TOPICS, DLQ_SUFFIX, dlqTopic, type Topic, type GatewayTopic } from './topics.constant.js';
export { LIMITS } from './limits.constant.js';
export {
  CE_HEADERS,
  CE_SPECVERSION,
  EVENT_CONTENT_TYPE,
  CE_STRUCTURED_CONTENT_TYPE,
  DEFAULT_EVENT_SOURCE,
  type CeHeaderName,
} from './cloud-events.constant.js';
export type { EventContract } from './event-contract.interface.js';
export { sessionOpenSchema, sessionOpenContract, type SessionOpenData } from './session-open.contract.js';
export { sessionCloseSchema, sessionCloseContract, type SessionCloseData } from './session-close.contract.js';
export {
  microsoftTeamsReviewCreateSchema,
  microsoftTeamsReviewCreateContract,
  type MicrosoftTeamsReviewCreateData,
} from './microsoftteams-review-create.contract.js';
export { dbrolesJobFinishedSchema, dbrolesJobFinishedContract, type DbrolesJobFinishedData } from './dbroles-job-finished.contract.js';
export {
  EVENT_CONTRACTS,
  EVENT_CONTRACT_BY_TYPE,
  EVENT_TOPICS,
  getEventContract,
  eventJsonSchema,
  type EventDataMap,
  type EventData,
  type EventContractSummary,
  type JsonSchema,
  type JsonSchemaTarget,
} from './event-contracts.registry.js';
export { eventAttributeSchemas } from './event-attributes.schema.js';
export type { GatewayEvent, IngestEventInput } from './gateway-event.type.js';
export type { EventIssue } from './event-issue.formatter.js';
export { EventValidationError } from './event-validation.error.js';
export { EventDecodeError } from './event-decode.error.js';
export { validateIngestEvent, buildEvent, type EventValidationResult } from './ingest-event.validator.js';
export { encodeEvent, decodeEvent, type EncodedEvent, type EventRecord } from './cloud-events.codec.js';
export { buildAsyncApiDocument, ASYNCAPI_VERSION, EVENTS_API_VERSION } from './asyncapi.document.js';
export { ResultRecordCodec, RESULT_RECORD_CONTENT_TYPE, RESULT_RECORD_KIND_HEADER, type EncodedResultRecord } from './result-record.codec.js';
export {
  HOOK_NAMES,
  HOOK_EVENT_TYPES,
  HOOK_OUTCOMES,
  capturedOutputSchema,
  hookExecutionRecordSchema,
  hookExecutionRecordCodec,
  type HookName,
  type HookOutcome,
  type HookExecutionRecord,
} from './hook-execution.record.js';
export { svixPublicationRecordSchema, svixPublicationRecordCodec, type SvixPublicationRecord } from './svix-publication.record.js';
export { openApiSchema } from './openapi.schema.js';
export {
  ATTEMPT_STATUSES,
  ATTEMPT_TRIGGERS,
  TIMELINE_KINDS,
  attemptViewSchema,
  attemptPageSchema,
  hookExecutionViewSchema,
  hookExecutionSummarySchema,
  hookExecutionPageSchema,
  publicationViewSchema,
  timelineEntrySchema,
  timelineSchema,
  endpointSummarySchema,
  endpointsSummarySchema,
  operationalReceiptSchema,
  type AttemptStatus,
  type AttemptView,
  type HookExecutionView,
  type HookExecutionSummary,
  type HookExecutionPage,
  type PublicationView,
  type TimelineKind,
  type TimelineEntry,
  type Timeline,
  type EndpointSummary,
  type EndpointsSummary,
  type OperationalReceipt,
} from './audit-api.schema.js';
export {
  eventTypeViewSchema,
  eventTypeListSchema,
  endpointStatsSchema,
  endpointViewSchema,
  endpointListSchema,
  messageViewSchema,
  messageAttemptViewSchema,
  messageAttemptPageSchema,
  pluginConnectionSchema,
  pluginConnectionListSchema,
  pluginChangeSchema,
  type EventTypeView,
  type EndpointView,
  type MessageView,
  type MessageAttemptView,
  type MessageAttemptPage,
  type PluginConnectionView,
  type PluginChange,
} from './relay-api.schema.js';
