// The images and docker-compose, read as files: there is no Docker engine here, so the images are
// not built or run by this test (each Dockerfile's build fails by itself if the service's user
// may write under /app). What it checks: the code and node_modules are copied as root's, the
// service runs as node, and every hookline service in compose has a read-only root filesystem
// with a tmpfs for what it writes (the hook-executor's state directory, RUNBOOKS_DIR's default).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['producer', 'hook-executor', 'svix-relay', 'audit'] as const;

interface ComposeService {
  build?: { dockerfile?: string };
  read_only?: boolean;
  tmpfs?: string[];
  environment?: Record<string, string>;
}

function runtimeStage(dockerfile: string): string {
  const at = dockerfile.lastIndexOf('\nFROM ');
  assert.ok(at > 0, 'a multi-stage build');
  return dockerfile.slice(at);
}

void describe('images and compose: code read-only, root filesystem read-only', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')) as { services: Record<string, ComposeService> };

  for (const service of SERVICES) {
    void it(`${service}: the image copies code and node_modules as root's and runs as node, refusing to build if node may write under /app`, () => {
      const runtime = runtimeStage(readFileSync(`${ROOT}services/${service}/Dockerfile`, 'utf8'));
      const copies = runtime.split('\n').filter((line) => line.startsWith('COPY '));
      assert.ok(copies.some((line) => line.includes('node_modules')), 'node_modules is copied');
      for (const line of copies) assert.doesNotMatch(line, /--chown|--chmod=[0-7]*[2367][0-7]*\b/, `root's and not writable: ${line}`);
      const user = runtime.indexOf('\nUSER node\n');
      assert.ok(user > 0, 'runs as node');
      assert.match(runtime.slice(user), /\nRUN [^\n]*find \/app -writable[^\n]*exit 1/, 'the build checks, as node, that nothing under /app is writable');
      assert.ok(!runtime.slice(user).includes('\nCOPY '), 'nothing is copied after USER node');
    });

    void it(`${service}: compose runs it with a read-only root filesystem and a tmpfs /tmp`, () => {
      assert.equal(compose.services[service]?.build?.dockerfile, `services/${service}/Dockerfile`);
      assert.equal(compose.services[service].read_only, true, `${service} read_only`);
      assert.ok((compose.services[service].tmpfs ?? []).some((mount) => mount.startsWith('/tmp:')), `${service} has a tmpfs /tmp`);
    });
  }

  void it("hook-executor: its state directory (RUNBOOKS_DIR's default) is the image's 0700 node-owned folder and a 0700 tmpfs of node's in compose", () => {
    const dockerfile = runtimeStage(readFileSync(`${ROOT}services/hook-executor/Dockerfile`, 'utf8'));
    const state = /\nENV STATE_DIRECTORY=(\S+)\n/.exec(dockerfile)?.[1];
    assert.ok(state !== undefined, 'STATE_DIRECTORY is set');
    assert.match(dockerfile, new RegExp(`install -d -o node -g node -m 0700 ${state}`));
    const service = compose.services['hook-executor']!;
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
