import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The git-ignored `.cache` folder at the repository root (found by walking up to the
 * folder holding package-lock.json), or HOOKLINE_CACHE_DIR when set.
 */
export function hooklineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['HOOKLINE_CACHE_DIR'];
  if (override) return resolve(override);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package-lock.json')) && existsSync(join(dir, 'libs'))) return join(dir, '.cache');
    const parent = dirname(dir);
    if (parent === dir) return resolve('.cache');
    dir = parent;
  }
}
