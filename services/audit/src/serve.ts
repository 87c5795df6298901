import { loadConfigOrExit, serveApp } from '@hookline/observability';
import { createAuditApp } from './app.factory.js';
import { SERVICE_NAME } from './audit.constant.js';
import { auditSettings } from './config/audit.settings.js';

const config = loadConfigOrExit(auditSettings, { service: SERVICE_NAME });
await serveApp(await createAuditApp(config), config, SERVICE_NAME);
