// @hookline/kafka/testing: test seams and helpers for tests against the broker, kept out of the production entry point.
export { InMemoryBroker } from './in-memory-broker.js';
export { Deferred } from './deferred.js';
export { brokersFromEnv, committedOffset, NO_BROKER_SKIP, pollUntil, readRecords, testClient, uniqueName, type ReadMessage } from './kafka-test-env.js';
