#!/usr/bin/env node
// The `netcanvas` command. The CLI is TypeScript under cli/ and runs without a
// build step: tsx compiles it on the fly, so `npm install` is all it needs.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Name the repository's tsconfig explicitly: tsx would otherwise look for one
// in the caller's working directory, which may be any project or none.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });

const { runFromProcess } = await import('../cli/main.ts');
await runFromProcess();
