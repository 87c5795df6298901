// @hookline/kafka/testing: test seams, kept out of the production entry point.
export { InMemoryBroker } from './in-memory-broker.js';
