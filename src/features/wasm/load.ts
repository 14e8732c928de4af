import { readFileSync } from 'node:fs';

/**
 * What every kernel module of `build.ts` shares: instantiating a committed clang-built module,
 * its memory, and memoising a load that may fail (the callers then use their JS path).
 */

/** The parts of the WebAssembly JS API used here (the project's lib has no WebAssembly types). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** Exports every module built by `wasm/build.ts` has: its memory and where its free heap starts. */
export interface KernelExports {
  memory: WasmMemory;
  __heap_base: { value: number };
}

const PAGE_BYTES = 65_536;

/**
 * Compiles and instantiates a kernel from its bytes or its committed file (synchronously: the
 * modules are a few KB). `heapBase` is the first free, 16-byte aligned address of its memory.
 * @throws when WebAssembly, its SIMD, or the file is unavailable.
 */
export function instantiateKernel<T extends KernelExports>(source: URL | Uint8Array): { exports: T; heapBase: number } {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const bytes = source instanceof URL ? readFileSync(source) : source;
  const exports = new wasm.Instance(new wasm.Module(bytes), {}).exports as T;
  return { exports, heapBase: align(Number(exports.__heap_base.value)) };
}

/** `x` rounded up to a multiple of 16 (the alignment of every array the loaders place). */
export const align = (x: number): number => (x + 15) & ~15;

/**
 * Consecutive arrays of `bytes[i]` bytes from `base`, each at a 16-byte aligned address (for the
 * kernels' v128 loads and stores): their addresses, and the first aligned address after them.
 */
export function layout<const T extends readonly number[]>(base: number, bytes: T): { at: { -readonly [K in keyof T]: number }; end: number } {
  let next = align(base);
  const at = bytes.map((b) => {
    const here = next;
    next = align(next + b);
    return here;
  });
  return { at: at as { -readonly [K in keyof T]: number }, end: next };
}

/** Grows `memory` so that addresses below `byteEnd` exist. Views taken before a growth detach. */
export function ensureMemory(memory: WasmMemory, byteEnd: number): void {
  const have = memory.buffer.byteLength;
  if (byteEnd > have) memory.grow(Math.ceil((byteEnd - have) / PAGE_BYTES));
}

/** Runs `load` once; its result is kept, and a load that threw is remembered as null. */
export function memoKernel<T>(load: () => T): () => T | null {
  let loaded: T | null | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = load();
      } catch {
        loaded = null;
      }
    }
    return loaded;
  };
}
