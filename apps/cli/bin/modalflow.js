#!/usr/bin/env node
// The CLI is written in TypeScript and runs from source, like every workspace package.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// An explicit tsconfig keeps the user's working directory (and any tsconfig there) out of it.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
