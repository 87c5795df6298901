// @hookline/database/testing: helpers for tests and benchmarks, kept out of the production door.
export { LOCAL_TEST_DATABASE_URL } from '../database.constant.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
