import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';

/** Which tfjs backend runs: native TensorFlow (tfjs-node), WebAssembly, or plain JS. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The loaded tfjs runtime: one tfjs-core instance and the layers API registered on it. */
export interface TfRuntime {
  readonly tf: typeof TfCore;
  readonly layers: typeof TfLayers;
  readonly backend: BackendName;
}

/** Options for {@link loadTfRuntime}. */
export interface RuntimeOptions {
  /** First backend to try; later ones in the order tensorflow, wasm, cpu are fallbacks. */
  prefer?: BackendName;
  /** Receives one line saying which backend runs (and why others did not). */
  log?: (msg: string) => void;
}

const ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const require = createRequire(import.meta.url);
let loaded: Promise<TfRuntime> | undefined;

/**
 * Loads tfjs once per process and picks the fastest backend that works here:
 * `@tensorflow/tfjs-node` when installed, else the wasm backend, else the cpu backend.
 * Memoised: later calls return the first runtime (their `prefer` is ignored).
 */
export function loadTfRuntime(opts: RuntimeOptions = {}): Promise<TfRuntime> {
  loaded ??= pickBackend(opts);
  return loaded;
}

async function pickBackend(opts: RuntimeOptions): Promise<TfRuntime> {
  const log = opts.log ?? ((): void => undefined);
  const start = opts.prefer ? ORDER.indexOf(opts.prefer) : 0;
  const tf = await import('@tensorflow/tfjs-core');
  const layers = await import('@tensorflow/tfjs-layers');
  const failures: string[] = [];
  for (const name of ORDER.slice(start)) {
    try {
      await registerBackend(name);
      if (!(await tf.setBackend(name))) throw new Error('setBackend returned false');
      await tf.ready();
      log(`tfjs backend: ${name}${failures.length ? ` (unavailable: ${failures.join('; ')})` : ''}`);
      return { tf, layers, backend: name };
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  throw new Error(`no tfjs backend could start: ${failures.join('; ')}`);
}

async function registerBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // tfjs-node registers the 'tensorflow' backend on the shared tfjs-core as it loads.
    const moduleName = '@tensorflow/tfjs-node';
    await import(moduleName);
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Resolve the .wasm files from node_modules, so that any working directory works.
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${distDir}/`);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
}
