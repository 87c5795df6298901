/** One setting that could not be read, and why, in words safe to print. */
export interface ConfigIssue {
  readonly setting: string;
  readonly problem: string;
}

/**
 * The environment does not describe a runnable service. The message names every bad
 * setting at once, so an operator fixes them in one go, and never contains the
 * value of a sensitive one.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration: ${issues.map((issue) => `${issue.setting}: ${issue.problem}`).join('; ')}`);
  }
}
