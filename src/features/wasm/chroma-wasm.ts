import { readFileSync } from 'node:fs';

/** The chroma filter bank product in WebAssembly (chroma.c, committed as chroma.wasm; `npm run build:wasm`). */
export interface ChromaKernel {
  /**
   * For every frame the twelve sums of `fb` (bin-major, nBins x 12) times the frame's power
   * (frame-major nFrames x nBins), frame-major (nFrames x 12): a view into the kernel's memory that
   * the next call overwrites.
   */
  sums(power: Float32Array, fb: Float64Array, nFrames: number, nBins: number): Float64Array;
}

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  chroma_sums: (power: number, fb: number, out: number, nFrames: number, nBins: number) => void;
}

let loaded: ChromaKernel | null | undefined;

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export function chromaKernel(): ChromaKernel | null {
  if (loaded === undefined) {
    try {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const ex = new wasm.Instance(new wasm.Module(readFileSync(new URL('./chroma.wasm', import.meta.url))), {}).exports as unknown as Exports;
      const base = (Number(ex.__heap_base.value) + 15) & ~15;
      loaded = {
        sums(power: Float32Array, fb: Float64Array, nFrames: number, nBins: number): Float64Array {
          if (power.length < nFrames * nBins || fb.length < 12 * nBins) throw new RangeError('chroma kernel: arrays shorter than their shapes');
          const fbAt = base;
          const powerAt = fbAt + 8 * 12 * nBins;
          const outAt = (powerAt + 4 * nFrames * nBins + 15) & ~15;
          const need = outAt + 8 * 12 * nFrames;
          if (need > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
          const buf = ex.memory.buffer;
          new Float64Array(buf, fbAt, 12 * nBins).set(fb.subarray(0, 12 * nBins));
          new Float32Array(buf, powerAt, nFrames * nBins).set(power.subarray(0, nFrames * nBins));
          ex.chroma_sums(powerAt, fbAt, outAt, nFrames, nBins);
          return new Float64Array(buf, outAt, 12 * nFrames);
        },
      };
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
