// Rebuilds median.wasm from median.c with Debian's clang + lld (`apt-get install -y clang lld`):
// `npm run build:wasm`. Usage: tsx src/features/wasm/build.ts [output path, default median.wasm here].
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLANG_ARGS = [
  '--target=wasm32',
  '-nostdlib',
  '-O3',
  '-msimd128',
  '-Wno-pass-failed',
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  '-Wl,--strip-all',
];

/** Compiles median.c to `output` with `clang` (throws when the toolchain is missing). */
export function buildMedianWasm(output: string, clang = process.env.CLANG ?? 'clang'): string {
  const source = fileURLToPath(new URL('./median.c', import.meta.url));
  execFileSync(clang, [...CLANG_ARGS, '-o', output, source], { stdio: ['ignore', 'inherit', 'inherit'] });
  return output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = buildMedianWasm(process.argv[2] ?? fileURLToPath(new URL('./median.wasm', import.meta.url)));
  console.log(`wrote ${out}`);
}
