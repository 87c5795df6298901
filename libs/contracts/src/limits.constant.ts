/**
 * Size caps of event fields. Every string and array is bounded so one event cannot
 * exhaust a consumer's memory or a header; the big text fields match what the gateway
 * itself caps (it sends is_*_truncated and the original size when it cut them).
 */
export const LIMITS = {
  /** ids (event id, sid, org id, job id): also used as Kafka key and ce_id/ce_subject header. */
  idLength: 256,
  /** names, types, emails, ARNs. */
  nameLength: 256,
  /** session input / output, hook output: 1 MiB of characters (a 1 MB input must pass). */
  textLength: 1_048_576,
  /** short free text: error messages, status messages. */
  messageLength: 65_536,
  /** one argument of a command. */
  commandArgLength: 16_384,
  commandArgs: 256,
  reviewers: 100,
  approvalGroups: 100,
  envKeys: 1_000,
  dbTags: 50,
  dbTagKeyLength: 128,
  dbTagValueLength: 256,
  jobResults: 100,
  /** URLs (session_url). */
  urlLength: 2_048,
  /** At most this many issues are reported for one invalid event; the rest are counted. */
  reportedIssues: 50,
} as const;
