import { serveApp } from '@hookline/observability';
import { createHookExecutorApp } from './app.factory.js';
import { SERVICE_NAME } from './config/hook-executor.constant.js';
import { loadHookExecutorConfigOrExit, runbooksDir } from './config/hook-executor.settings.js';
import { runbooksDirProblem } from './runbooks/runbooks-dir.js';
import { probeSandbox, sandboxOptions } from './sandbox/sandbox.js';

const { config, hookEnv } = loadHookExecutorConfigOrExit();
// Hooks run from what is in RUNBOOKS_DIR: refuse one that another user could change.
if (config.GIT_HOOK_CONFIG_TTL !== undefined) {
  const problem = runbooksDirProblem(runbooksDir(config));
  if (problem !== undefined) {
    process.stderr.write(`hook-executor refuses to start: RUNBOOKS_DIR ${problem}\n`);
    process.exit(1);
  }
}
// With hooks on, a sandbox that does not work is a refusal to start, not a silent downgrade.
if (config.GIT_HOOK_CONFIG_TTL !== undefined && config.HOOK_SANDBOX === 'on') {
  const problem = await probeSandbox(sandboxOptions(config), config.HOOK_INTERPRETER);
  if (problem !== undefined) {
    process.stderr.write(
      `hook-executor refuses to start: HOOK_SANDBOX=on but ${problem} (see the README's hooks section; HOOK_SANDBOX=off runs hooks unconfined)\n`,
    );
    process.exit(1);
  }
}
await serveApp(await createHookExecutorApp(config, hookEnv), config, SERVICE_NAME);
