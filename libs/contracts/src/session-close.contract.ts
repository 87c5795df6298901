import { z } from 'zod';
import { EXAMPLE_SID, EXAMPLE_ORG_ID } from './example-ids.constant.js';
import type { EventContract } from './event-contract.interface.js';
import { identifier, size, text } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';
import { TOPICS } from './topics.constant.js';

// Strict for the same reason as session.open: the contract defines all that reaches SIEMs.
export const sessionCloseSchema = z
  .strictObject({
    sid: identifier('Session id; Kafka key and ce_subject'),
    org_id: identifier('Organisation id'),
    exit_code: z.int32().describe('Exit code of the session; non-zero on failure'),
    exit_err: text('Error message when the session failed, otherwise null', LIMITS.messageLength).nullable(),
    output: text('Session output, cut to 1 MiB characters by the gateway'),
    is_output_truncated: z.boolean().describe('True when output was cut; output_size is the original size'),
    output_size: size('Size of the original output in bytes'),
  })
  .describe('A session ends.');

export type SessionCloseData = z.infer<typeof sessionCloseSchema>;

const exampleOutput = 'id|status|amount\n8812|paid|129.90\n8813|open|42.00\n(2 rows)\n';

export const sessionCloseContract: EventContract<'session.close', SessionCloseData> = {
  type: 'session.close',
  topic: TOPICS.gatewaySessions,
  description: 'A session ends, with its exit code and (capped) output.',
  schema: sessionCloseSchema,
  example: {
    sid: EXAMPLE_SID,
    org_id: EXAMPLE_ORG_ID,
    exit_code: 0,
    exit_err: null,
    output: exampleOutput,
    is_output_truncated: false,
    output_size: Buffer.byteLength(exampleOutput),
  },
  keyField: 'sid',
  key: (data) => data.sid,
};
