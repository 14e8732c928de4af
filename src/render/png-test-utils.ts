import { decode } from 'fast-png';

/** A decoded 8-bit PNG with pixel access, for tests. */
export interface DecodedImage {
  width: number;
  height: number;
  /** [r, g, b, a] at (x, y); alpha 255 when the PNG has no alpha channel. */
  pixel(x: number, y: number): [number, number, number, number];
}

/** Decodes PNG bytes (8-bit RGB or RGBA) for pixel checks. */
export function decodeImage(png: Uint8Array): DecodedImage {
  const img = decode(png);
  if (img.depth !== 8 || (img.channels !== 3 && img.channels !== 4)) {
    throw new Error(`unexpected PNG format: depth ${img.depth}, ${img.channels} channels`);
  }
  const { width, height, data, channels } = img;
  return {
    width,
    height,
    pixel(x, y) {
      const o = (Math.floor(y) * width + Math.floor(x)) * channels;
      return [data[o] ?? 0, data[o + 1] ?? 0, data[o + 2] ?? 0, channels === 4 ? (data[o + 3] ?? 0) : 255];
    },
  };
}

/** Largest channel difference between two colours (alpha ignored). */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(Math.abs((a[0] ?? 0) - (b[0] ?? 0)), Math.abs((a[1] ?? 0) - (b[1] ?? 0)), Math.abs((a[2] ?? 0) - (b[2] ?? 0)));
}

/** How many pixels inside the box [x0, x1) x [y0, y1) are within `tolerance` of `rgb`. */
export function countNear(
  img: DecodedImage,
  rgb: readonly number[],
  tolerance: number,
  box = { x0: 0, y0: 0, x1: img.width, y1: img.height },
): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) if (colourDistance(img.pixel(x, y), rgb) <= tolerance) n++;
  }
  return n;
}
