import { z } from 'zod';
import { dbrolesJobFinishedContract, type DbrolesJobFinishedData } from './dbroles-job-finished.contract.js';
import type { EventContract } from './event-contract.interface.js';
import { EVENT_TYPES, type EventType } from './event-types.constant.js';
import { microsoftTeamsReviewCreateContract, type MicrosoftTeamsReviewCreateData } from './microsoftteams-review-create.contract.js';
import { sessionCloseContract, type SessionCloseData } from './session-close.contract.js';
import { sessionOpenContract, type SessionOpenData } from './session-open.contract.js';
import type { GatewayTopic } from './topics.constant.js';

/** The data type of each event type. */
export interface EventDataMap {
  'session.open': SessionOpenData;
  'session.close': SessionCloseData;
  'microsoftteams.review.create': MicrosoftTeamsReviewCreateData;
  'dbroles.job.finished': DbrolesJobFinishedData;
}

export type EventData<T extends EventType = EventType> = EventDataMap[T];

// `satisfies` makes a missing or mistyped contract a compile error.
export const EVENT_CONTRACT_BY_TYPE = {
  'session.open': sessionOpenContract,
  'session.close': sessionCloseContract,
  'microsoftteams.review.create': microsoftTeamsReviewCreateContract,
  'dbroles.job.finished': dbrolesJobFinishedContract,
} as const satisfies { readonly [K in EventType]: EventContract<K, EventDataMap[K]> };

export function getEventContract<T extends EventType>(type: T): EventContract<T, EventDataMap[T]> {
  return EVENT_CONTRACT_BY_TYPE[type] as unknown as EventContract<T, EventDataMap[T]>;
}

/** Topic of each event type. */
export const EVENT_TOPICS: { readonly [K in EventType]: GatewayTopic } = {
  'session.open': sessionOpenContract.topic,
  'session.close': sessionCloseContract.topic,
  'microsoftteams.review.create': microsoftTeamsReviewCreateContract.topic,
  'dbroles.job.finished': dbrolesJobFinishedContract.topic,
};

export type JsonSchema = Record<string, unknown>;

export type JsonSchemaTarget = 'draft-2020-12' | 'draft-7';

/** JSON Schema of an event type's data, generated from its zod schema (never written by hand). */
export function eventJsonSchema(type: EventType, target: JsonSchemaTarget = 'draft-2020-12'): JsonSchema {
  const contract = getEventContract(type);
  return {
    ...z.toJSONSchema(contract.schema, { target, unrepresentable: 'throw' }),
    title: type,
    description: contract.description,
  };
}

/** Public view of a contract: what svix-relay needs to create Svix event types. */
export interface EventContractSummary<T extends EventType = EventType> {
  readonly type: T;
  readonly topic: GatewayTopic;
  readonly description: string;
  /** JSON Schema draft 2020-12 of the event data. */
  readonly jsonSchema: JsonSchema;
  readonly example: EventDataMap[T];
}

export const EVENT_CONTRACTS: readonly EventContractSummary[] = EVENT_TYPES.map((type) => {
  const contract = getEventContract(type);
  return Object.freeze({
    type,
    topic: contract.topic,
    description: contract.description,
    jsonSchema: eventJsonSchema(type),
    example: contract.example,
  });
});
