#!/usr/bin/env node
// `npm run simulate -- --rate 200 --duration 60`: sends simulated gateway traffic to a
// producer. The command itself is simulate.cli.ts, testable without a process.
import { runSimulateCli } from './simulate.cli.js';

process.exitCode = await runSimulateCli(process.argv.slice(2));
