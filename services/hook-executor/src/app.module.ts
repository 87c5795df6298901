import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule, type ObservabilityOptions } from '@hookline/observability';
import { SERVICE_NAME } from './config/hook-executor.constant.js';
import type { HookEnvironment, HookExecutorConfig } from './config/hook-executor.settings.js';
import { HOOK_ENV } from './hooks/hooks.constant.js';
import { HooksModule } from './hooks/hooks.module.js';

/** Options for tests: where logs go and at which level. */
export type HookExecutorAppOptions = Pick<ObservabilityOptions, 'logDestination' | 'logLevel'>;

@Module({})
export class AppModule {
  static forRoot(config: HookExecutorConfig, hookEnv: HookEnvironment, options: HookExecutorAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, config, ...options }),
        { module: HookEnvModule, global: true, providers: [{ provide: HOOK_ENV, useValue: hookEnv }], exports: [HOOK_ENV] },
        HooksModule,
      ],
    };
  }
}

/** Holds the operator's HOOK_ENV_* values; kept out of APP_CONFIG so they are never logged with it. */
@Module({})
class HookEnvModule {}
