import { loadConfigOrExit, serveApp } from '@hookline/observability';
import { createRelayApp } from './app.factory.js';
import { relaySettings } from './config/relay.settings.js';
import { SERVICE_NAME } from './relay.constant.js';

const config = loadConfigOrExit(relaySettings, { service: SERVICE_NAME });
await serveApp(await createRelayApp(config), config, SERVICE_NAME);
