import { Module } from '@nestjs/common';
import { KafkaModule } from '../kafka/kafka.module.js';
import { RunbooksModule } from '../runbooks/runbooks.module.js';
import { HookExecutionService } from './hook-execution.service.js';
import { HooksMetrics } from './hooks.metrics.js';
import { SessionEventsConsumer } from './session-events.consumer.js';

@Module({
  imports: [KafkaModule, RunbooksModule],
  providers: [HookExecutionService, HooksMetrics, SessionEventsConsumer],
})
export class HooksModule {}
