// Test helpers of @hookline/contracts (imported as @hookline/contracts/testing, never by production code).
export { exampleHookExecution, examplePublication } from './records.fixture.js';
