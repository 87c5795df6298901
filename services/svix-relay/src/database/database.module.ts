import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openDatabase, type DatabaseHandle } from '@hookline/database';
import { APP_CONFIG, HealthRegistry } from '@hookline/observability';
import { fileURLToPath } from 'node:url';
import { PinoLogger } from 'nestjs-pino';
import type { RelayConfig } from '../config/relay.settings.js';
import { MIGRATIONS_TABLE } from '../relay.constant.js';
import { DATABASE } from './database.constant.js';

// dist/database/ → the service's migrations folder (shipped beside dist/).
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Closes the database at shutdown and reports it in /health/ready. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    health: HealthRegistry,
  ) {
    health.register('database', async () => {
      await this.database.ping();
      // The kind only: the description names the database, its host and user.
      return { up: true, detail: { kind: this.database.kind } };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/** PostgreSQL (DATABASE_URL), with the relay's migrations applied. */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: async (config: RelayConfig, logger: PinoLogger): Promise<DatabaseHandle> => {
        const handle = await openDatabase({
          url: config.DATABASE_URL,
          migrationsFolder: MIGRATIONS_FOLDER,
          migrationsTable: MIGRATIONS_TABLE,
          onError: (message) => logger.warn(message),
        });
        logger.info({ database: handle.description }, 'database ready');
        return handle;
      },
    },
    DatabaseLifecycle,
  ],
  exports: [DATABASE],
})
export class DatabaseModule {}
