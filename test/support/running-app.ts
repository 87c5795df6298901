import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

/** A service's Nest app under test, listening on loopback. */
export interface RunningApp<Config> {
  readonly url: string;
  readonly config: Config;
  /** The Nest app, for tests that drive a service directly (e.g. RetentionService.purge). */
  readonly app: INestApplication;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at a port the OS picks. */
export async function listenOnLoopback<Config>(app: INestApplication, config: Config): Promise<RunningApp<Config>> {
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, config, app, close: () => app.close() };
}
