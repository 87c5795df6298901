// The images and docker-compose, read as files: there is no Docker engine here, so the images are
// not built or run by this test (the Dockerfile's build fails by itself if the service's user
// may write under /app). What it checks: the one Dockerfile, built per service with build
// arguments, copies code and node_modules as root's and runs the service as node; every
// COPY source exists in the tree; and every hookline service in compose builds it with its own
// arguments and has a read-only root filesystem with a tmpfs for what it writes (the
// hook-executor's state directory, RUNBOOKS_DIR's default).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { SERVICE_PROCESS_ENV } from '@hookline/observability';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['producer', 'hook-executor', 'svix-relay', 'audit'] as const;

interface ComposeService {
  build?: { dockerfile?: string; args?: Record<string, string> };
  read_only?: boolean;
  tmpfs?: string[];
  environment?: Record<string, string>;
}

function runtimeStage(dockerfile: string): string {
  const at = dockerfile.lastIndexOf('\nFROM ');
  assert.ok(at > 0, 'a multi-stage build');
  return dockerfile.slice(at);
}

const DOCKERFILE = readFileSync(`${ROOT}Dockerfile`, 'utf8');

void describe('images and compose: code read-only, root filesystem read-only', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')) as { services: Record<string, ComposeService> };

  void it('every COPY from the build context names a path of the tree, for each service', () => {
    const sources = DOCKERFILE.split('\n')
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    assert.ok(sources.length > 0);
    for (const service of SERVICES) {
      for (const source of sources) {
        const path = source.replace('${SERVICE}', service);
        assert.ok(existsSync(`${ROOT}${path}`), `COPY ${path} (SERVICE=${service}) exists`);
      }
    }
  });

  void it('runs each service with the process environment npm start and the benchmarks use (SERVICE_PROCESS_ENV)', () => {
    assert.match(DOCKERFILE, new RegExp(`\\nARG NODE_OPTIONS="${SERVICE_PROCESS_ENV.NODE_OPTIONS}"\\n`));
    assert.match(DOCKERFILE, new RegExp(`\\nENV [^\\n]*MALLOC_ARENA_MAX=${SERVICE_PROCESS_ENV.MALLOC_ARENA_MAX}\\b`));
    for (const service of SERVICES) {
      const nodeOptions = compose.services[service]?.build?.args?.NODE_OPTIONS;
      if (nodeOptions !== undefined)
        assert.ok(nodeOptions.startsWith(SERVICE_PROCESS_ENV.NODE_OPTIONS), `${service} keeps ${SERVICE_PROCESS_ENV.NODE_OPTIONS}`);
    }
  });

  for (const service of SERVICES) {
    void it(`${service}: the image copies code and node_modules as root's and runs as node, refusing to build if node may write under /app`, () => {
      const runtime = runtimeStage(DOCKERFILE);
      const copies = runtime.split('\n').filter((line) => line.startsWith('COPY '));
      assert.ok(
        copies.some((line) => line.includes('node_modules')),
        'node_modules is copied',
      );
      for (const line of copies) assert.doesNotMatch(line, /--chown|--chmod=[0-7]*[2367][0-7]*\b/, `root's and not writable: ${line}`);
      const user = runtime.indexOf('\nUSER node\n');
      assert.ok(user > 0, 'runs as node');
      assert.match(runtime.slice(user), /\nRUN [^\n]*find \/app -writable[^\n]*exit 1/, 'the build checks, as node, that nothing under /app is writable');
      assert.ok(!runtime.slice(user).includes('\nCOPY '), 'nothing is copied after USER node');
    });

    void it(`${service}: compose runs it with a read-only root filesystem and a tmpfs /tmp`, () => {
      assert.equal(compose.services[service]?.build?.dockerfile, 'Dockerfile');
      assert.equal(compose.services[service].build.args?.SERVICE, service);
      assert.match(compose.services[service].build.args.PORT ?? '', /^\d+$/);
      assert.equal(compose.services[service].build.args.PORT, compose.services[service].environment?.PORT, `${service} listens where the image says`);
      assert.equal(compose.services[service].read_only, true, `${service} read_only`);
      assert.ok(
        (compose.services[service].tmpfs ?? []).some((mount) => mount.startsWith('/tmp:')),
        `${service} has a tmpfs /tmp`,
      );
    });
  }

  void it("hook-executor: its state directory (RUNBOOKS_DIR's default) is the image's 0700 node-owned folder and a 0700 tmpfs of node's in compose", () => {
    const dockerfile = runtimeStage(DOCKERFILE);
    const service = compose.services['hook-executor']!;
    const state = service.build?.args?.STATE_DIRECTORY;
    assert.ok(state !== undefined && state !== '', 'STATE_DIRECTORY is given');
    assert.match(dockerfile, /\nENV STATE_DIRECTORY=\$\{STATE_DIRECTORY\}\n/);
    assert.match(dockerfile, /install -d -o node -g node -m 0700 "\$STATE_DIRECTORY"/);
    assert.equal(service.environment?.RUNBOOKS_DIR, undefined, 'RUNBOOKS_DIR is left to its default, not the shared /tmp');
    const mount = (service.tmpfs ?? []).find((entry) => entry.startsWith(`${state}:`));
    assert.ok(mount !== undefined, `a tmpfs at ${state}`);
    assert.match(mount, /mode=0700/);
    assert.match(mount, /uid=1000/);
  });

  void it('the example SIEM receiver (the producer image) runs read-only too', () => {
    assert.equal(compose.services['siem-receiver']?.read_only, true);
  });
});
