// Rebuilds the committed int8 pre-scan kernel (int8-scan.c -> int8-scan.wasm) with the same
// clang + lld flags as the feature kernels: `npx tsx src/recs/wasm/build.ts [output file]`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLANG_ARGS } from '../../features/wasm/build.js';

/** Compiles int8-scan.c to `output` with `clang` (throws when the toolchain is missing). */
export function buildInt8Scan(output: string, clang = process.env.CLANG ?? 'clang'): string {
  const source = fileURLToPath(new URL('./int8-scan.c', import.meta.url));
  execFileSync(clang, [...CLANG_ARGS, '-o', output, source], { stdio: ['ignore', 'inherit', 'inherit'] });
  return output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${buildInt8Scan(process.argv[2] ?? fileURLToPath(new URL('./int8-scan.wasm', import.meta.url)))}`);
}
