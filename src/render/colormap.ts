/**
 * Magma, the perceptually uniform colormap of matplotlib, sampled at 11 stops (the values d3
 * publishes) and interpolated linearly into a 256-entry lookup table.
 */
const MAGMA_STOPS: readonly string[] = [
  '#000004', '#140e36', '#3b0f70', '#641a80', '#8c2981', '#b73779',
  '#de4968', '#f7705c', '#fe9f6d', '#fecf92', '#fcfdbf',
];

function buildLut(stops: readonly string[]): Uint8Array {
  const rgb = stops.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * (rgb.length - 1);
    const lo = Math.min(Math.floor(pos), rgb.length - 2);
    const t = pos - lo;
    const a = rgb[lo] ?? [0, 0, 0];
    const b = rgb[lo + 1] ?? a;
    for (let c = 0; c < 3; c++) {
      lut[i * 3 + c] = Math.round((a[c] ?? 0) * (1 - t) + (b[c] ?? 0) * t);
    }
  }
  return lut;
}

/** 256 RGB triples, index 0 = darkest; read entry i at bytes [3i, 3i+3). */
export const MAGMA_LUT: Uint8Array = buildLut(MAGMA_STOPS);
