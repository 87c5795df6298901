// @hookline/kafka/testing: helpers for tests against the broker, kept out of the production door.
export { Deferred } from './deferred.js';
export { brokersFromEnv, committedOffset, NO_BROKER_SKIP, pollUntil, readRecords, testClient, uniqueName, type ReadMessage } from './kafka-test-env.js';
export { assertFetchSizesReachKafkajs } from './fetch-size.scenario.js';
