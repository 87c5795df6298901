import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Paths only the management listener serves when MANAGEMENT_PORT is set: /metrics, /docs, /docs-json, /docs/… */
const MANAGEMENT_PATH = /^\/(metrics|docs)(\/|-json(\/|$)|$)/;
const HEALTH_PATH = /^\/health(\/|$)/;
const ON_MANAGEMENT = Symbol('hookline:management-socket');

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?', 1)[0] ?? '/';
}

/**
 * With a management port, /metrics and /docs leave the service's main port: the main
 * listener answers them 404, the management listener answers only them and /health.
 * Call right after the app is created (before /docs is mounted), with MANAGEMENT_PORT;
 * does nothing when it is unset.
 */
export function separateManagementRoutes(app: INestApplication, managementPort: number | undefined): void {
  if (managementPort === undefined) return;
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const onManagement = (request.socket as Socket & { [ON_MANAGEMENT]?: boolean })[ON_MANAGEMENT] === true;
    const path = pathOf(request);
    const management = MANAGEMENT_PATH.test(path);
    if (management === onManagement || (onManagement && HEALTH_PATH.test(path))) {
      next();
      return;
    }
    response.statusCode = 404;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.end(
      JSON.stringify({ error: 'not_found', message: onManagement ? 'the management port serves /metrics, /docs and /health only' : 'not found on this port' }),
    );
  });
}

/**
 * Starts the management listener on `port` and `host` over the same app; it closes when
 * the app's HTTP server closes (app.close()). Returns the port it listens on.
 */
export async function listenManagement(app: INestApplication, port: number, host: string): Promise<number> {
  const handler = app.getHttpAdapter().getInstance() as (request: IncomingMessage, response: ServerResponse) => void;
  const server: Server = createServer(handler);
  server.on('connection', (socket: Socket & { [ON_MANAGEMENT]?: boolean }) => {
    socket[ON_MANAGEMENT] = true;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  (app.getHttpServer() as Server).once('close', () => {
    server.close();
    server.closeAllConnections();
  });
  return (server.address() as AddressInfo).port;
}
