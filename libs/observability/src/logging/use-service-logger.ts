import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/**
 * Routes Nest's own logs (and anything using `new Logger(context)`) through the
 * pino logger ObservabilityModule set up. Create the app with `bufferLogs: true`
 * so startup lines are not printed in Nest's format first.
 */
export function useServiceLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(Logger));
}
