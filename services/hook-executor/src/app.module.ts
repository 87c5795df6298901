import { Module, type DynamicModule } from '@nestjs/common';
import { serviceRootModule, type ServiceAppOptions } from '@hookline/observability';
import { SERVICE_NAME } from './config/hook-executor.constant.js';
import type { HookEnvironment, HookExecutorConfig } from './config/hook-executor.settings.js';
import { HOOK_ENV } from './hooks/hooks.constant.js';
import { HooksModule } from './hooks/hooks.module.js';

/** Options for tests: where logs go and at which level. */
export type HookExecutorAppOptions = ServiceAppOptions;

@Module({})
export class AppModule {
  static forRoot(config: HookExecutorConfig, hookEnv: HookEnvironment, options: HookExecutorAppOptions = {}): DynamicModule {
    return serviceRootModule(
      AppModule,
      { service: SERVICE_NAME, config, ...options },
      {
        imports: [{ module: HookEnvModule, global: true, providers: [{ provide: HOOK_ENV, useValue: hookEnv }], exports: [HOOK_ENV] }, HooksModule],
      },
    );
  }
}

/** Holds the operator's HOOK_ENV_* values; kept out of APP_CONFIG so they are never logged with it. */
@Module({})
class HookEnvModule {}
