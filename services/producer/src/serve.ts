import { limitHeapGrowth, loadConfigOrExit, serveApp } from '@hookline/observability';
import { SERVICE_NAME } from './app.constant.js';
import { createProducerApp } from './app.factory.js';
import { producerSettings } from './config/producer.settings.js';

// Before the app allocates: under ingest load the old space would otherwise fill with garbage.
limitHeapGrowth();
const config = loadConfigOrExit(producerSettings, { service: SERVICE_NAME });
await serveApp(await createProducerApp(config), config, SERVICE_NAME);
