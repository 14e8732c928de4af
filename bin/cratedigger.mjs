#!/usr/bin/env node
// The package bin: runs the TypeScript CLI through tsx's loader, so `npx cratedigger` works from
// a clone with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
