import { createServer, connect } from 'node:net';

/** A port the OS has just handed out on 127.0.0.1 (or `preferred`, when it is free). */
export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolvePort) => {
      const server = createServer();
      server.once('error', () => resolvePort(undefined));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const got = typeof address === 'object' && address ? address.port : undefined;
        server.close(() => resolvePort(got));
      });
    });
  if (preferred !== undefined) {
    const got = await tryListen(preferred);
    if (got !== undefined) return got;
  }
  const got = await tryListen(0);
  if (got === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return got;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
