import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHILD_INITIAL_OLD_SPACE_MIB, childExecArgv, PROCESSOR_FILES } from './sandbox.js';

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
