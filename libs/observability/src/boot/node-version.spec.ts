import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from './node-version.js';

void describe('nodeVersionProblem', () => {
  void it('accepts the required major and later ones', () => {
    for (const version of [`${REQUIRED_NODE_MAJOR}.0.0`, `${REQUIRED_NODE_MAJOR}.21.3`, `${REQUIRED_NODE_MAJOR + 1}.0.0-nightly`])
      assert.equal(nodeVersionProblem('audit', version, 'x.js'), undefined, version);
  });

  void it('says in one line which node to use on an older one', () => {
    const problem = nodeVersionProblem('audit', '20.20.2', 'services/audit/dist/main.js');
    assert.equal(
      problem,
      `audit needs Node ${REQUIRED_NODE_MAJOR} or newer, and this is Node 20.20.2: run it with the repository's own Node, \`npx node services/audit/dist/main.js\` (npm start and npm run put node_modules/.bin first on the PATH)`,
    );
  });

  void it('refuses a version it cannot read, showing a bounded part of it', () => {
    for (const version of ['', 'v24.0.0', 'abc', 'x'.repeat(10_000), '\n24']) {
      const problem = nodeVersionProblem('producer', version, 'main.js');
      assert.ok(problem !== undefined, JSON.stringify(version.slice(0, 10)));
      assert.ok(problem.length < 300);
    }
  });
});
