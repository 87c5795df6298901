// What tests, the CLI and tools import from @hookline/hook-executor; main.ts is the service itself.
export { createHookExecutorApp } from './app.factory.js';
export { AppModule, type HookExecutorAppOptions } from './app.module.js';
export {
  hookExecutorSettings,
  loadHookExecutorConfig,
  type HookExecutorConfig,
  type HookEnvironment,
  type LoadedHookExecutorConfig,
} from './config/hook-executor.settings.js';
export { SERVICE_NAME, PAYLOAD_ENV, PAYLOAD_ENV_MAX_BYTES, MAX_HOOK_FILE_BYTES, HOOK_ENV_PREFIX } from './config/hook-executor.constant.js';
export { HOOK_METRICS, HOOKS_OFF_REASON } from './hooks/hooks.constant.js';
export { RUNBOOKS_METRICS, HOOK_FILES } from './runbooks/runbooks.constant.js';
export { HookRunner } from './hooks/hook-runner.js';
export { buildHookPayload, preparePayload, type HookPayload, type PreparedPayload } from './hooks/hook-payload.js';
export type { HookRunRequest, HookRunResult } from './hooks/hook-run.types.js';
export { RunbookRepository, type RunbookRepositoryOptions, type FetchResult } from './runbooks/runbook-repository.js';
export { redactUrl, parseGitUrl } from './runbooks/git-url.js';
export {
  BWRAP,
  bwrapArgs,
  bwrapEnvironment,
  bwrapSpawnOptions,
  makeReachable,
  sandboxOptions,
  DEFAULT_LIMITS,
  DEFAULT_SANDBOX_UID,
  SANDBOX_PATH,
  SANDBOX_PATHS,
  type SandboxOptions,
  type HookLimits,
} from './sandbox/sandbox.js';
