import { createServiceApp } from '@hookline/observability';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type HookExecutorAppOptions } from './app.module.js';
import type { HookEnvironment, HookExecutorConfig } from './config/hook-executor.settings.js';

/** The hook-executor app, configured but not listening: main.ts and tests call `listen`. */
export function createHookExecutorApp(
  config: HookExecutorConfig,
  hookEnv: HookEnvironment,
  options: HookExecutorAppOptions = {},
): Promise<NestExpressApplication> {
  return createServiceApp(AppModule.forRoot(config, hookEnv, options), config);
}
