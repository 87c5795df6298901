import { z } from 'zod';
import { EXAMPLE_SID, EXAMPLE_ORG_ID } from './example-ids.constant.js';
import type { EventContract } from './event-contract.interface.js';
import { envKeyList, identifier, name, size, stringList, text } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';
import { TOPICS } from './topics.constant.js';

const reviewSchema = z
  .strictObject({
    type: z.enum(['onetime', 'jit']).describe('onetime: one execution is reviewed; jit: access for a time window'),
    status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'REVOKED', 'PROCESSING', 'EXECUTED', 'UNKNOWN']).describe('Review status when the event fired'),
    owner_email: name('Email of the user who requested the review'),
  })
  .describe('The review guarding this session, or null when the resource has no review');

// Strict (unknown fields rejected): the contract is the only definition of what reaches
// SIEMs, and an undeclared field is exactly where a secret would slip through.
export const sessionOpenSchema = z
  .strictObject({
    sid: identifier('Session id; Kafka key and ce_subject'),
    org_id: identifier('Organisation id; one Svix application per organisation'),
    verb: z.enum(['connect', 'exec']).describe('connect: interactive session; exec: one-off execution'),
    connection_name: name('Name of the connection (resource) the session opens'),
    connection_type: name('Connection type, e.g. database, application, custom'),
    connection_subtype: name('Connection subtype, e.g. postgres, mysql, ssh; empty when none', { allowEmpty: true }),
    user_id: identifier('Id of the user who opened the session'),
    user_email: name('Email of the user who opened the session'),
    connection_reviewers: stringList('Groups that review sessions on this connection', LIMITS.reviewers),
    input: text('Session input (script, query), cut to 1 MiB characters by the gateway'),
    is_input_truncated: z.boolean().describe('True when input was cut; input_size is the original size'),
    input_size: size('Size of the original input in bytes'),
    input_env_keys: envKeyList('Names of the environment variables the user passed (names only, never values)'),
    connection_env_keys: envKeyList('Names of the connection environment variables (names only, never values)'),
    command: z.array(z.string().max(LIMITS.commandArgLength)).max(LIMITS.commandArgs).describe('Command the session runs, as argv'),
    review: reviewSchema.nullable(),
  })
  .describe('A session starts. May fire more than once for one session when the resource has reviews.');

export type SessionOpenData = z.infer<typeof sessionOpenSchema>;

const exampleInput = "SELECT id, status, amount FROM invoices WHERE created_at > now() - interval '1 day';";

export const sessionOpenContract: EventContract<'session.open', SessionOpenData> = {
  type: 'session.open',
  topic: TOPICS.gatewaySessions,
  description:
    'A session starts on a connection. Fires once, or twice when the connection has reviews: first with review status PENDING, again when the approved session runs.',
  schema: sessionOpenSchema,
  example: {
    sid: EXAMPLE_SID,
    org_id: EXAMPLE_ORG_ID,
    verb: 'exec',
    connection_name: 'pg-billing-prod',
    connection_type: 'database',
    connection_subtype: 'postgres',
    user_id: 'auth0|64b7f0c2e4a1b3c5d6e7f809',
    user_email: 'alice@example.com',
    connection_reviewers: ['dba-team', 'security'],
    input: exampleInput,
    is_input_truncated: false,
    input_size: Buffer.byteLength(exampleInput),
    input_env_keys: [],
    connection_env_keys: ['envvar:HOST', 'envvar:PORT', 'envvar:USER', 'envvar:PASS', 'envvar:DB'],
    command: ['psql', '-v', 'ON_ERROR_STOP=1', '-A', '-P', 'pager=off'],
    review: { type: 'onetime', status: 'APPROVED', owner_email: 'alice@example.com' },
  },
  keyField: 'sid',
  key: (data) => data.sid,
};
