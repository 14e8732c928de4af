import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { loadTfRuntime } from './runtime.js';

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('loadTfRuntime', () => {
  it('picks tfjs-node when installed, else wasm, logs its choice and is memoised', async () => {
    const lines: string[] = [];
    const runtime = await loadTfRuntime({ log: (m) => lines.push(m) });
    const expected = tfjsNodeInstalled() ? 'tensorflow' : 'wasm';
    expect(runtime.backend).toBe(expected);
    expect(runtime.tf.getBackend()).toBe(expected);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tfjs backend: ${expected}`));
    expect(await loadTfRuntime()).toBe(runtime);
    const sum = runtime.tf.tidy(() => runtime.tf.sum(runtime.tf.tensor1d([1, 2, 3])).dataSync()[0]);
    expect(sum).toBe(6);
  });
});
