import { loadConfigOrExit, serveApp } from '@hookline/observability';
import { SERVICE_NAME } from './app.constant.js';
import { createProducerApp } from './app.factory.js';
import { producerSettings } from './config/producer.settings.js';

const config = loadConfigOrExit(producerSettings, { service: SERVICE_NAME });
await serveApp(await createProducerApp(config), config, SERVICE_NAME);
