import { z } from 'zod';
import { EXAMPLE_SID, EXAMPLE_ORG_ID } from './example-ids.constant.js';
import type { EventContract } from './event-contract.interface.js';
import { identifier, isoDateTime, name, stringList, text } from './fields.schema.js';
import { LIMITS } from './limits.constant.js';
import { TOPICS } from './topics.constant.js';

// Strict for the same reason as session.open: the contract defines all that reaches SIEMs.
export const microsoftTeamsReviewCreateSchema = z
  .strictObject({
    sid: identifier('Session id the review guards; Kafka key and ce_subject'),
    org_id: identifier('Organisation id'),
    review_id: identifier('Review (access request) id'),
    status: z.literal('PENDING').describe('A review is created pending'),
    created_by: z
      .strictObject({
        name: name('Display name of the requester'),
        email: name('Email of the requester'),
      })
      .describe('Who requested access'),
    approval_groups: stringList('Groups that may approve the review', LIMITS.approvalGroups),
    session_time: isoDateTime('Requested session start (JIT reviews), or null').nullable(),
    connection_name: name('Name of the connection the review is for'),
    connection_type: name('Connection type, e.g. database'),
    input: text('Input to be run once approved, cut to 1 MiB characters'),
    session_url: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .max(LIMITS.urlLength)
      .optional()
      .describe('Link to the review in the gateway web app, shown as the Teams card button'),
  })
  .describe('A review (access request) is created with status PENDING.');

export type MicrosoftTeamsReviewCreateData = z.infer<typeof microsoftTeamsReviewCreateSchema>;

export const microsoftTeamsReviewCreateContract: EventContract<'microsoftteams.review.create', MicrosoftTeamsReviewCreateData> = {
  type: 'microsoftteams.review.create',
  topic: TOPICS.gatewaySessions,
  description:
    'A review (access request) is created with status PENDING; svix-relay renders it as a Microsoft Teams Adaptive Card, so a Teams incoming-webhook URL can be an endpoint as it is.',
  schema: microsoftTeamsReviewCreateSchema,
  example: {
    sid: EXAMPLE_SID,
    org_id: EXAMPLE_ORG_ID,
    review_id: '0197a3c1-9a0b-7c4d-8e5f-102132435465',
    status: 'PENDING',
    created_by: { name: 'Alice Martin', email: 'alice@example.com' },
    approval_groups: ['dba-team', 'security'],
    session_time: '2025-06-02T14:30:00Z',
    connection_name: 'pg-billing-prod',
    connection_type: 'database',
    input: "UPDATE invoices SET status = 'void' WHERE id = 8813;",
    session_url: 'https://gateway.example.com/reviews/0197a3c1-9a0b-7c4d-8e5f-102132435465',
  },
  keyField: 'sid',
  key: (data) => data.sid,
};
