import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTEMPT_STATUSES, hookExecutionPageSchema, hookExecutionSummarySchema, hookExecutionViewSchema, publicationViewSchema } from './audit-api.schema.js';
import { HOOK_EVENT_TYPES, HOOK_NAMES, HOOK_OUTCOMES, hookExecutionRecordSchema } from './hook-execution.record.js';
import { openApiSchema } from './openapi.schema.js';
import { messageAttemptViewSchema } from './relay-api.schema.js';
import { svixPublicationRecordSchema } from './svix-publication.record.js';

type Schema = { type?: string; enum?: unknown[]; nullable?: boolean; properties?: Record<string, Schema>; items?: Schema; required?: string[] };

void describe('HTTP answer schemas', () => {
  void it('a hook run answer is its record plus an id; its OpenAPI enums are the contract constants', () => {
    assert.deepEqual(Object.keys(hookExecutionViewSchema.shape), ['id', ...Object.keys(hookExecutionRecordSchema.shape)]);
    const run = (openApiSchema(hookExecutionPageSchema) as Schema).properties?.data?.items;
    assert.deepEqual(run?.properties?.outcome?.enum, [...HOOK_OUTCOMES]);
    assert.deepEqual(run.properties.hook?.enum, [...HOOK_NAMES]);
    assert.deepEqual(run.properties.event_type?.enum, [...HOOK_EVENT_TYPES]);
    assert.equal(run.properties.git_commit?.nullable, true);
    assert.equal(run.properties.exit_code?.type, 'integer');
  });

  void it('lists leave output text out; a single run has it', () => {
    const summary = openApiSchema(hookExecutionSummarySchema) as Schema;
    assert.deepEqual(Object.keys(summary.properties?.stdout?.properties ?? {}), ['truncated', 'bytes']);
    const full = openApiSchema(hookExecutionViewSchema) as Schema;
    assert.deepEqual(Object.keys(full.properties?.stdout?.properties ?? {}), ['text', 'truncated', 'bytes']);
  });

  void it('a publication answer is its record without the Kafka key', () => {
    assert.deepEqual(
      Object.keys(publicationViewSchema.shape),
      Object.keys(svixPublicationRecordSchema.shape).filter((field) => field !== 'key'),
    );
  });

  void it('attempt statuses are Svix numbers 0-4 named once', () => {
    assert.deepEqual((openApiSchema(messageAttemptViewSchema) as Schema).properties?.status?.enum, [...ATTEMPT_STATUSES]);
    assert.equal(ATTEMPT_STATUSES[4], 'canceled');
  });
});
