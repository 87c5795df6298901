// Imports only Node's own modules: it must run on any Node, before the modules that need Node 24 are loaded.
import { relative } from 'node:path';

/** The Node major version hookline runs on (package.json engines); the repository brings its own. */
export const REQUIRED_NODE_MAJOR = 24;

/** One line saying which node to use when `version` is older than REQUIRED_NODE_MAJOR; undefined when it fits. */
export function nodeVersionProblem(
  service: string,
  version: string = process.versions.node,
  script = relative(process.cwd(), process.argv[1] ?? '') || '<script>',
): string | undefined {
  const major = /^(\d+)\./.exec(version)?.[1];
  if (major !== undefined && Number(major) >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `${service} needs Node ${REQUIRED_NODE_MAJOR} or newer, and this is Node ${version.slice(0, 20)}: ` +
    `run it with the repository's own Node, \`npx node ${script}\` (npm start and npm run put node_modules/.bin first on the PATH)`
  );
}

/**
 * For a service's entry point, before it imports the service: on an older Node, prints
 * one line on stderr and exits 1, instead of failing later on an import (zstdCompress)
 * with a message that does not say why.
 */
export function exitUnlessNodeFits(service: string): void {
  const problem = nodeVersionProblem(service);
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
