// Each service's entry point checks the Node version before it loads the service, so an
// older Node gets one line saying which node to use, not an import error from deep inside.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['producer', 'hook-executor', 'svix-relay', 'audit'];
// Makes this Node report an older version before the entry point runs.
const OLDER = 'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.11.1" })';

function run(node: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  // No settings at all: a service that got past the check would refuse to start on them instead.
  const child = spawnSync(node, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

void describe('the Node version check at start', () => {
  for (const service of SERVICES) {
    void it(`${service}: on Node 20, one line naming the node to use, exit 1`, () => {
      const script = `services/${service}/dist/main.js`;
      const child = run(process.execPath, ['--import', OLDER, script]);
      assert.equal(child.status, 1);
      assert.equal(child.stdout, '');
      assert.equal(
        child.stderr,
        `${service} needs Node 24 or newer, and this is Node 20.11.1: run it with the repository's own Node, \`npx node ${script}\` (npm start and npm run put node_modules/.bin first on the PATH)\n`,
      );
    });
  }

  void it('on the required Node, the service starts loading (and refuses its missing settings instead)', () => {
    const child = run(process.execPath, ['services/audit/dist/main.js']);
    assert.equal(child.status, 1);
    assert.match(child.stderr, /^audit refuses to start: invalid configuration: /);
  });

  // The machine's own older node, when there is one: the case a newcomer meets.
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (path) => existsSync(path) && Number.parseInt(execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }), 10) < 24,
  );
  void it('with an older system node, the same line instead of an import error', { skip: systemNode === undefined && 'no older node on this machine' }, () => {
    const child = run(systemNode!, ['services/producer/dist/main.js']);
    assert.equal(child.status, 1);
    assert.match(child.stderr, /^producer needs Node 24 or newer, and this is Node \d+\.\d+\.\d+: run it with the repository's own Node/);
    assert.doesNotMatch(child.stderr, /zstd|SyntaxError/);
  });
});
