import { Module } from '@nestjs/common';
import { EndpointsController } from './admin/endpoints.controller.js';
import { EventTypesController } from './admin/event-types.controller.js';
import { MessagesController } from './admin/messages.controller.js';
import { SvixAdmin } from './admin/svix-admin.service.js';
import { ApiTokenGuard } from './auth/api-token.guard.js';
import { DependencyHealth } from './health/dependency-health.service.js';
import { PluginConnections } from './plugins/plugin-connections.service.js';
import { PluginsController } from './plugins/plugins.controller.js';
import { RelayConsumer } from './publishing/relay.consumer.js';
import { RelayMetrics } from './publishing/relay.metrics.js';
import { RelayService } from './publishing/relay.service.js';
import { SessionConnections } from './publishing/session-connections.service.js';
import { SvixPublisher } from './publishing/svix-publisher.service.js';
import { EventTypeSync } from './svix/event-type-sync.service.js';
import { SvixClient } from './svix/svix-client.service.js';

/** Publishing (Kafka → Svix) and the management API over the same Svix client and database. */
@Module({
  controllers: [EventTypesController, EndpointsController, MessagesController, PluginsController],
  providers: [
    SvixClient,
    SvixPublisher,
    EventTypeSync,
    SvixAdmin,
    PluginConnections,
    SessionConnections,
    RelayMetrics,
    RelayService,
    RelayConsumer,
    ApiTokenGuard,
    DependencyHealth,
  ],
})
export class RelayModule {}
