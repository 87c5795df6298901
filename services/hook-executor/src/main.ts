import 'reflect-metadata';
import { exitUnlessNodeFits } from '@hookline/observability/node-version';

// Before the service's modules load: on an older Node one of them fails to import, saying nothing of why.
exitUnlessNodeFits('hook-executor');
await import('./serve.js');
