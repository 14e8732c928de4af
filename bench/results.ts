import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where every benchmark writes its JSON (and plots). */
export const RESULTS_DIR = join(import.meta.dirname, 'results');

/** The machine a figure was measured on: figures without it mean little. */
export function environment(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

/** Writes `bench/results/<name>` (JSON with the environment, or raw bytes) and says so. */
export function writeResult(name: string, data: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const body = data instanceof Uint8Array ? data : `${JSON.stringify({ environment: environment(), ...(data as object) }, null, 2)}\n`;
  writeFileSync(join(RESULTS_DIR, name), body);
  console.log(`wrote bench/results/${name}`);
}

/** True when the module at `url` is the script node was started with (`tsx bench/<suite>.ts`). */
export function isMain(url: string): boolean {
  return url === pathToFileURL(process.argv[1] ?? '').href;
}
