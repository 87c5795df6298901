#!/usr/bin/env node
// A local receiver standing in for the SIEM: prints one line per event that arrives, from the
// runbook hooks (POST /collector, `Authorization: Bearer <token>`) and from Svix (POST /svix/*,
// signed webhooks verified with the svix SDK when a secret is known). Used by `npm start`
// (imported) and by docker-compose (run directly: PORT, SIEM_TOKEN, HOST). Self-contained and
// written in erasable TypeScript only, so docker-compose runs this source file with node itself.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'svix';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface HookEvent {
  sid?: string;
  event_session_open?: { user_email?: string; verb?: string; connection_name?: string };
  event_session_close?: { exit_code?: number };
}

export interface SiemReceiverOptions {
  port: number;
  host?: string;
  /** The bearer token the hooks must send to /collector. */
  token: string;
  print?: (line: string) => void;
}

export interface SiemReceiver {
  readonly url: string;
  readonly collectorUrl: string;
  svixUrl(name: string): string;
  setSvixSecret(name: string, secret: string): void;
  readonly counts: { hooks: number; svix: number; refused: number };
  close(): Promise<void>;
}

function describeHookEvent(event: HookEvent | undefined): string {
  if (event?.event_session_open) {
    const open = event.event_session_open;
    return `${open.user_email} ${open.verb} ${open.connection_name}`;
  }
  return `exit ${event?.event_session_close?.exit_code}`;
}

/**
 * Starts the receiver. `secrets` maps a Svix path (/svix/<name>) to its endpoint secret, filled
 * in once endpoints exist; deliveries to a path without a secret are printed as unverified.
 */
export async function startSiemReceiver({ port, host = '127.0.0.1', token, print = (line) => console.log(line) }: SiemReceiverOptions): Promise<SiemReceiver> {
  const counts = { hooks: 0, svix: 0, refused: 0 };
  const secrets = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'POST' && path === '/collector') {
        if (req.headers.authorization !== `Bearer ${token}`) {
          counts.refused += 1;
          print('SIEM  hook  refused: wrong or missing bearer token');
          res.writeHead(401).end();
          return;
        }
        try {
          const { kind, event } = JSON.parse(body) as { kind?: string; event?: HookEvent };
          counts.hooks += 1;
          print(`SIEM  hook  ${kind}  sid ${event?.sid}  ${describeHookEvent(event)}`);
        } catch {
          print(`SIEM  hook  unreadable body (${body.length} bytes)`);
        }
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'POST' && path.startsWith('/svix/')) {
        const secret = secrets.get(path);
        let verified = 'unverified';
        if (secret !== undefined) {
          try {
            new Webhook(secret).verify(body, {
              'svix-id': String(req.headers['svix-id'] ?? ''),
              'svix-timestamp': String(req.headers['svix-timestamp'] ?? ''),
              'svix-signature': String(req.headers['svix-signature'] ?? ''),
            });
            verified = 'signature ok';
          } catch {
            counts.refused += 1;
            print(`SIEM  svix  ${path}  refused: bad signature`);
            res.writeHead(401).end();
            return;
          }
        }
        counts.svix += 1;
        let what: unknown;
        try {
          const payload = JSON.parse(body) as { sid?: string; id?: string; type?: string };
          what = payload.sid ?? payload.id ?? (payload.type === 'message' ? 'Teams card' : '');
        } catch {
          what = `${body.length} bytes`;
        }
        print(`SIEM  svix  ${String(req.headers['svix-id'] ?? '-')}  ${String(what)}  (${verified})`);
        res.writeHead(204).end();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const base = `http://${host}:${address.port}`;
  return {
    url: base,
    collectorUrl: `${base}/collector`,
    svixUrl: (name: string) => `${base}/svix/${name}`,
    setSvixSecret: (name: string, secret: string) => {
      secrets.set(`/svix/${name}`, secret);
    },
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const token = process.env.SIEM_TOKEN;
  if (!token) {
    console.error('siem-receiver: set SIEM_TOKEN (the bearer token the hooks send)');
    process.exit(2);
  }
  const receiver = await startSiemReceiver({ port: Number(process.env.PORT ?? 8099), host: process.env.HOST ?? '127.0.0.1', token });
  console.log(`siem-receiver listening on ${receiver.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void receiver.close().then(() => process.exit(0)));
}
