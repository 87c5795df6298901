import { z } from 'zod';
import { EXAMPLE_ORG_ID } from './example-ids.constant.js';
import type { EventContract } from './event-contract.interface.js';
import { identifier, isoDateTime, name, text } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';
import { TOPICS } from './topics.constant.js';

const phase = z.enum(['completed', 'failed']).describe('How it finished');

// Strict for the same reason as session.open: the contract defines all that reaches SIEMs.
export const dbrolesJobFinishedSchema = z
  .strictObject({
    org_id: identifier('Organisation id'),
    id: identifier('Job id; Kafka key and ce_subject'),
    created_at: isoDateTime('When the job was created'),
    completed_at: isoDateTime('When the job finished'),
    spec: z
      .strictObject({
        account_arn: name('AWS account (role) ARN the job ran with'),
        db_arn: name('ARN of the database instance or cluster'),
        db_name: name('Database name'),
        db_engine: name('Database engine, e.g. postgres, mysql'),
        db_tags: z
          .array(
            z.strictObject({
              key: z.string().min(1).max(LIMITS.dbTagKeyLength),
              value: z.string().max(LIMITS.dbTagValueLength),
            }),
          )
          .max(LIMITS.dbTags)
          .describe('Tags of the database'),
      })
      .describe('What the job provisioned'),
    status: z
      .strictObject({
        phase,
        message: text('Summary of the outcome', LIMITS.messageLength),
        result: z
          .array(
            z.strictObject({
              user_role: name('Role provisioned, e.g. hoop_ro'),
              phase,
              message: text('Outcome for this role', LIMITS.messageLength),
              completed_at: isoDateTime('When this role finished'),
            }),
          )
          .max(LIMITS.jobResults)
          .describe('One entry per role'),
      })
      .describe('Outcome of the job'),
    // Null, not an object of nulls, when no hook is configured or it never started:
    // "no hook ran" and "a hook ran and failed" must not look alike.
    hook_status: z
      .strictObject({
        exit_code: z.int32().describe('Exit code of the hook'),
        output: text('Hook output, cut to 1 MiB characters'),
        execution_time_sec: z.number().min(0).describe('How long the hook ran, in seconds'),
      })
      .nullable()
      .describe('Result of the job hook, or null when no hook ran'),
  })
  .describe('Provisioning of database user roles finished.');

export type DbrolesJobFinishedData = z.infer<typeof dbrolesJobFinishedSchema>;

export const dbrolesJobFinishedContract: EventContract<'dbroles.job.finished', DbrolesJobFinishedData> = {
  type: 'dbroles.job.finished',
  topic: TOPICS.gatewayDbroles,
  description: 'Provisioning of database user roles (a dbroles job) finished, successfully or not.',
  schema: dbrolesJobFinishedSchema,
  example: {
    org_id: EXAMPLE_ORG_ID,
    id: '0197a3d0-1b2c-7d3e-8f40-516273849506',
    created_at: '2025-06-02T14:00:00Z',
    completed_at: '2025-06-02T14:00:41.512Z',
    spec: {
      account_arn: 'arn:aws:iam::123456789012:role/hoop-dbroles',
      db_arn: 'arn:aws:rds:eu-west-1:123456789012:db:billing-prod',
      db_name: 'billing',
      db_engine: 'postgres',
      db_tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'billing' },
      ],
    },
    status: {
      phase: 'completed',
      message: 'all roles provisioned',
      result: [
        { user_role: 'hoop_ro', phase: 'completed', message: 'role created', completed_at: '2025-06-02T14:00:39Z' },
        { user_role: 'hoop_rw', phase: 'completed', message: 'role created', completed_at: '2025-06-02T14:00:40Z' },
      ],
    },
    hook_status: { exit_code: 0, output: 'notified #dba channel\n', execution_time_sec: 1.27 },
  },
  keyField: 'id',
  key: (data) => data.id,
};
