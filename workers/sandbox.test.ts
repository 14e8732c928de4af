import type { Worker } from 'bullmq';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/infra/logger.js';
import { CHILD_INITIAL_OLD_SPACE_MIB, childExecArgv, prestartChildren, PROCESSOR_FILES } from './sandbox.js';

describe('sandbox', () => {
  it('children load tsx and never inherit --inspect', () => {
    const argv = childExecArgv(['--inspect=9229', '--max-old-space-size=4096', '--import', 'file:///elsewhere/loader.mjs']);
    expect(argv).toContain('--max-old-space-size=4096');
    expect(argv.some((a) => a.includes('inspect'))).toBe(false);
    expect(argv.at(-2)).toBe('--import');
    expect(argv.at(-1)).toMatch(/^file:.*tsx.*\.mjs$/);
    expect(argv).not.toContain('file:///elsewhere/loader.mjs');
  });

  it('children get a floor for their first full GC unless the parent sets its own', () => {
    expect(childExecArgv([])).toContain(`--initial-old-space-size=${CHILD_INITIAL_OLD_SPACE_MIB}`);
    const own = childExecArgv(['--initial-old-space-size=64']);
    expect(own.filter((a) => a.startsWith('--initial-old-space-size'))).toEqual(['--initial-old-space-size=64']);
  });

  it('every processor file exists', () => {
    expect(Object.keys(PROCESSOR_FILES).sort()).toEqual(['classify', 'copy', 'embed', 'taste-map', 'train']);
    for (const file of Object.values(PROCESSOR_FILES)) expect(existsSync(file)).toBe(true);
  });
});

describe('prestartChildren', () => {
  const processorFile = '/processors/classify.ts';
  const logger = (): { log: Logger; warnings: unknown[][] } => {
    const warnings: unknown[][] = [];
    return { log: { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger, warnings };
  };

  it("retains `count` children through the worker's pool and releases them as free ones", async () => {
    const released: unknown[] = [];
    let forked = 0;
    const childPool = { retain: (file: string) => Promise.resolve({ file, pid: ++forked }), release: (child: unknown) => released.push(child) };
    const { log, warnings } = logger();
    expect(await prestartChildren({ childPool } as unknown as Worker, processorFile, 3, log)).toBe(3);
    expect(released).toEqual([1, 2, 3].map((pid) => ({ file: processorFile, pid })));
    expect(warnings).toEqual([]);
  });

  it('a child that fails to start is logged and the others are still released', async () => {
    const released: unknown[] = [];
    let calls = 0;
    const childPool = { retain: () => (++calls === 2 ? Promise.reject(new Error('init failed')) : Promise.resolve({ pid: calls })), release: (child: unknown) => released.push(child) };
    const { log, warnings } = logger();
    expect(await prestartChildren({ childPool } as unknown as Worker, processorFile, 3, log)).toBe(2);
    expect(released).toEqual([{ pid: 1 }, { pid: 3 }]);
    expect(warnings).toHaveLength(1);
  });

  it('without a child pool of the known shape (another bullmq) it warns and starts nothing', async () => {
    for (const worker of [{}, { childPool: undefined }, { childPool: { retain: () => Promise.resolve({}) } }]) {
      const { log, warnings } = logger();
      expect(await prestartChildren(worker as unknown as Worker, processorFile, 2, log)).toBe(0);
      expect(warnings).toHaveLength(1);
    }
  });
});
