#!/usr/bin/env node
// `npm run simulate -- --rate 200 --duration 60`: sends simulated gateway traffic to a
// producer. Thin launcher; the command lives in services/producer/src/simulator/simulate.cli.ts.
// Needs the built producer: `npx tsc -b services/producer` (or `npm run build`) first.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = resolve(root, 'services/producer/dist/simulator/simulate.cli.js');

const { runSimulateCli } = await import(pathToFileURL(cli).href).catch((error) => {
  console.error(`simulate: cannot load ${cli} (build it: npx tsc -b services/producer): ${error.message}`);
  process.exit(2);
});
process.exitCode = await runSimulateCli(process.argv.slice(2));
