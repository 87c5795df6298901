/** A git command failed; the message is already redacted (no URL user info, no secret). */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
}
