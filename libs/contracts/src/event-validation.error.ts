import { issuesToReason, type EventIssue } from './event-issue.formatter.js';

/** Thrown by buildEvent / encodeEvent for an invalid event; carries every issue found. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(readonly issues: readonly EventIssue[]) {
    super(`invalid event: ${issuesToReason(issues)}`);
  }
}
