import { fileURLToPath } from 'node:url';
import type { QueueName } from '../src/jobs/schemas.js';

/**
 * How sandboxed processors written in TypeScript start. bullmq forks its own `main.js` for each
 * child and passes it `process.execArgv`, then the child `import()`s the processor file. Under
 * vitest or plain node that argv has no TypeScript loader, so we pass tsx's ESM loader
 * explicitly (`--import <tsx>`): the child then imports `workers/<queue>.ts` whether the parent
 * runs under `tsx workers/main.ts`, `tsx src/main.ts`, vitest, or node with a loader.
 */

/** The processor file of each queue that has one. */
export const PROCESSOR_FILES: Readonly<Partial<Record<QueueName, string>>> = {
  classify: fileURLToPath(new URL('./classify.ts', import.meta.url)),
  embed: fileURLToPath(new URL('./embed.ts', import.meta.url)),
  copy: fileURLToPath(new URL('./copy.ts', import.meta.url)),
  train: fileURLToPath(new URL('./train.ts', import.meta.url)),
  'taste-map': fileURLToPath(new URL('./taste-map.ts', import.meta.url)),
};

/** Node options of a processor child: tsx's loader; `--inspect` flags of the parent are left out. */
export function childExecArgv(parentExecArgv: readonly string[] = process.execArgv): string[] {
  const tsx = import.meta.resolve('tsx');
  const kept = parentExecArgv.filter((arg) => arg.startsWith('--max-old-space-size') || arg.startsWith('--enable-source-maps'));
  return [...kept, '--import', tsx];
}
