import 'reflect-metadata';
import { ConfigError, limitHeapGrowth, listenManagement, loadConfigOrExit } from '@hookline/observability';
import { Logger } from '@nestjs/common';
import { createProducerApp } from './app.factory.js';
import { checkIngestTokens } from './auth/bearer-token.guard.js';
import { SERVICE_NAME } from './app.module.js';
import { producerSettings } from './config/producer.settings.js';

// Before anything allocates: under ingest load the old space would otherwise fill with garbage.
limitHeapGrowth();
const config = loadConfigOrExit(producerSettings, { service: SERVICE_NAME });
try {
  checkIngestTokens(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${SERVICE_NAME} refuses to start: ${error.message}\n`);
  process.exit(1);
}
const app = await createProducerApp(config);
// SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush the producer, disconnect.
app.enableShutdownHooks();
await app.listen(config.PORT, config.HOST);
new Logger('Main').log(`producer listening on ${config.HOST}:${config.PORT}`);
if (config.MANAGEMENT_PORT !== undefined) {
  await listenManagement(app, config.MANAGEMENT_PORT, config.HOST);
  new Logger('Main').log(`/metrics and /docs on ${config.HOST}:${config.MANAGEMENT_PORT} only`);
}
