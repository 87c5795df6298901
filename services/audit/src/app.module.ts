import { Module, type DynamicModule } from '@nestjs/common';
import { kafkaClientProvider } from '@hookline/kafka';
import { apiExceptionFilter, APP_CONFIG, serviceRootModule, type ServiceAppOptions } from '@hookline/observability';
import { PinoLogger } from 'nestjs-pino';
import { KAFKA_CLIENT, SERVICE_NAME } from './audit.constant.js';
import { ReaderTokenGuard } from './auth/reader-token.guard.js';
import type { AuditConfig } from './config/audit.settings.js';
import { AuditDatabase } from './database/audit-database.service.js';
import { KafkaHealth } from './kafka/kafka-health.service.js';
import { AuditMetrics } from './metrics/audit-metrics.service.js';
import { MetricsRefresher } from './metrics/metrics-refresher.service.js';
import { AuditQueryController } from './query/audit-query.controller.js';
import { AuditQueryService } from './query/audit-query.service.js';
import { QueryGate } from './query/query-gate.js';
import { RecordStore } from './records/record-store.service.js';
import { RecordsConsumer } from './records/records.consumer.js';
import { RetentionService } from './retention/retention.service.js';
import { AttemptReader } from './svix/attempt-reader.service.js';
import { OperationalWebhookController } from './svix/operational-webhook.controller.js';
import { OperationalWebhookService } from './svix/operational-webhook.service.js';

/** Options for tests: where logs go and at which level. */
export type AuditAppOptions = ServiceAppOptions;

@Module({})
export class AppModule {
  static forRoot(config: AuditConfig, options: AuditAppOptions = {}): DynamicModule {
    return serviceRootModule(
      AppModule,
      { service: SERVICE_NAME, config, ...options },
      {
        controllers: [OperationalWebhookController, AuditQueryController],
        providers: [
          apiExceptionFilter(() => ({ service: 'audit service' })),
          kafkaClientProvider(KAFKA_CLIENT, APP_CONFIG, PinoLogger),
          AuditDatabase,
          AuditMetrics,
          RecordStore,
          RecordsConsumer,
          KafkaHealth,
          OperationalWebhookService,
          AttemptReader,
          AuditQueryService,
          QueryGate,
          ReaderTokenGuard,
          MetricsRefresher,
          RetentionService,
        ],
      },
    );
  }
}
