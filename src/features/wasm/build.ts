// Rebuilds the committed WebAssembly kernels (each NAME.c of KERNELS below -> NAME.wasm) with
// Debian's clang + lld (`apt-get install -y clang lld`): `npm run build:wasm`.
// Usage: tsx src/features/wasm/build.ts [output folder, default this folder].
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLANG_ARGS = [
  '--target=wasm32',
  '-nostdlib',
  '-O3',
  '-msimd128',
  '-mbulk-memory', // memset and memcpy as memory.fill and memory.copy (no libc)
  '-Wno-pass-failed',
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  '-Wl,--strip-all',
];

/** The kernels, by name: NAME.c (and its EXTRA_SOURCES) builds NAME.wasm. */
export const KERNELS = ['fft', 'stft32', 'chroma', 'mfcc', 'spectral', 'mel', 'zcr', 'stats', 'onset'] as const;

/**
 * Sources linked into a kernel's module beside NAME.c. The median filters of HPSS share the STFT
 * module's memory, so that they read its magnitude and the inverse STFT reads their outputs in place.
 */
const EXTRA_SOURCES: Partial<Record<(typeof KERNELS)[number], string[]>> = { stft32: ['median.c'] };

/** Compiles NAME.c (with its EXTRA_SOURCES) to `output` with `clang` (throws when the toolchain is missing). */
export function buildWasm(name: (typeof KERNELS)[number], output: string, clang = process.env.CLANG ?? 'clang'): string {
  const sources = [`${name}.c`, ...(EXTRA_SOURCES[name] ?? [])].map((file) => fileURLToPath(new URL(`./${file}`, import.meta.url)));
  execFileSync(clang, [...CLANG_ARGS, '-o', output, ...sources], { stdio: ['ignore', 'inherit', 'inherit'] });
  return output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url));
  for (const name of KERNELS) console.log(`wrote ${buildWasm(name, join(dir, `${name}.wasm`))}`);
}
