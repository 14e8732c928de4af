import { encode } from 'fast-png';
import { melFrequencyTicks, timeTicks } from './spectrogram-axes.js';
import { rasteriseLogMel } from './spectrogram-raster.js';
import { genresByTime, legendSvg, timelineSvg, type GenreSegment } from './spectrogram-timeline.js';
import { escapeXml, svgToPng, truncateToWidth, FONT_FAMILY } from './svg-png.js';
import { THEME } from './theme.js';

export type { GenreSegment } from './spectrogram-timeline.js';

/** Input of {@link spectrogramPng}. */
export interface SpectrogramInput {
  logMel: {
    /** Frame-major `nFrames x nMels` log-mel power in dB (max about 0, floor about -80). */
    data: Float32Array;
    nMels: number;
    nFrames: number;
    sampleRateHz: number;
    /** Samples between frames. */
    hopLength: number;
  };
  /** Top genre per analysis window, drawn as the timeline strip; may be empty. */
  segments: readonly GenreSegment[];
  /** Shown above the image; any text (it is escaped and shortened to fit). */
  title?: string;
}

/** Default width of a spectrogram image in pixels. */
export const SPECTROGRAM_WIDTH_PX = 1000;

/** Size of the whole image; defaults 1000 x 360, minimum 240 x 180, maximum 4000 x 2000. */
export interface SpectrogramOptions {
  widthPx?: number;
  heightPx?: number;
}

/** Pixel boxes of a spectrogram image, all integers. */
export interface SpectrogramLayout {
  widthPx: number;
  heightPx: number;
  plot: { left: number; top: number; width: number; height: number };
  strip: { top: number; height: number };
  axisTop: number;
  legendTop: number;
}

/** Where each part of a `widthPx x heightPx` spectrogram image goes. */
export function spectrogramLayout(widthPx: number, heightPx: number): SpectrogramLayout {
  const left = 52;
  const right = 16;
  const top = 32;
  const legendTop = heightPx - 20;
  const axisTop = legendTop - 22;
  const stripHeight = 24;
  const stripTop = axisTop - stripHeight;
  const plotBottom = stripTop - 4;
  return {
    widthPx,
    heightPx,
    plot: { left, top, width: widthPx - left - right, height: plotBottom - top },
    strip: { top: stripTop, height: stripHeight },
    axisTop,
    legendTop,
  };
}

function checkInput(input: SpectrogramInput, widthPx: number, heightPx: number): void {
  const { data, nMels, nFrames, sampleRateHz, hopLength } = input.logMel;
  const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
  if (!positiveInt(nMels) || !positiveInt(nFrames)) {
    throw new RangeError(`nMels and nFrames must be positive integers, got ${nMels} x ${nFrames}`);
  }
  if (data.length !== nMels * nFrames) {
    throw new RangeError(`logMel.data has ${data.length} values, expected nFrames x nMels = ${nFrames * nMels}`);
  }
  if (!(sampleRateHz > 0) || !(hopLength > 0)) throw new RangeError('sampleRateHz and hopLength must be positive');
  if (!positiveInt(widthPx) || !positiveInt(heightPx) || widthPx < 240 || heightPx < 180 || widthPx > 4000 || heightPx > 2000) {
    throw new RangeError(`image size must be integers within 240x180 .. 4000x2000, got ${widthPx}x${heightPx}`);
  }
}

function axesSvg(input: SpectrogramInput, layout: SpectrogramLayout, durationS: number): string {
  const { plot } = layout;
  const parts: string[] = [];
  const plotBottom = plot.top + plot.height;
  for (const tick of melFrequencyTicks(input.logMel.nMels, input.logMel.sampleRateHz, plot.height)) {
    const y = (plotBottom - tick.offsetPx).toFixed(1);
    parts.push(
      `<rect x="${plot.left - 4}" y="${y}" width="4" height="1" fill="${THEME.mutedText}"/>`,
      `<text x="${plot.left - 6}" y="${y}" dy="4" text-anchor="end" font-size="10" fill="${THEME.mutedText}">${tick.label}</text>`,
    );
  }
  const midY = plot.top + plot.height / 2;
  parts.push(
    `<text x="14" y="${midY}" transform="rotate(-90 14 ${midY})" text-anchor="middle" font-size="10" fill="${THEME.mutedText}">Hz</text>`,
  );
  const ticks = timeTicks(durationS, plot.width);
  ticks.forEach((tick, i) => {
    const x = plot.left + tick.offsetPx;
    const anchor = i === 0 ? 'start' : tick.offsetPx > plot.width - 20 ? 'end' : 'middle';
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${layout.axisTop}" width="1" height="4" fill="${THEME.mutedText}"/>`,
      `<text x="${x.toFixed(1)}" y="${layout.axisTop + 15}" text-anchor="${anchor}" font-size="10" fill="${THEME.mutedText}">${tick.label}</text>`,
    );
  });
  return parts.join('');
}

function base64Png(rgb: Uint8Array, width: number, height: number): string {
  // Level 1: resvg decodes and re-encodes this image, so a tighter squeeze buys nothing.
  const png = encode({ width, height, data: rgb, channels: 3, depth: 8 }, { zlib: { level: 1 } });
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}

/** Builds the SVG document of {@link spectrogramPng}; exported for tests. */
export function spectrogramSvg(input: SpectrogramInput, options: SpectrogramOptions = {}): string {
  const widthPx = options.widthPx ?? SPECTROGRAM_WIDTH_PX;
  const heightPx = options.heightPx ?? 360;
  checkInput(input, widthPx, heightPx);
  const layout = spectrogramLayout(widthPx, heightPx);
  const { plot } = layout;
  const { nFrames, hopLength, sampleRateHz } = input.logMel;
  const durationS = (nFrames * hopLength) / sampleRateHz;
  const rgb = rasteriseLogMel(input.logMel, plot.width, plot.height);
  const title = truncateToWidth(input.title ?? '', plot.width + 40, 15);
  const stripBox = { left: plot.left, top: layout.strip.top, width: plot.width, height: layout.strip.height, durationS };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="${FONT_FAMILY}">`,
    `<rect width="100%" height="100%" fill="${THEME.background}"/>`,
    `<text x="${plot.left - 40}" y="21" font-size="15" font-weight="bold" fill="${THEME.text}">${escapeXml(title)}</text>`,
    `<image x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" preserveAspectRatio="none" ` +
      `image-rendering="optimizeSpeed" href="data:image/png;base64,${base64Png(rgb, plot.width, plot.height)}"/>`,
    axesSvg(input, layout, durationS),
    timelineSvg(input.segments, stripBox),
    legendSvg(genresByTime(input.segments, durationS), plot.left, layout.legendTop, plot.width),
    '</svg>',
  ].join('');
}

/**
 * Renders a log-mel spectrogram (magma colours, low frequencies at the bottom, time axis in
 * seconds) with a genre timeline strip under it and a legend of the genres shown.
 * Frequency labels assume librosa's mel defaults (Slaney scale, 0 Hz to Nyquist).
 * @returns PNG bytes of `widthPx x heightPx` (default 1000 x 360).
 * @throws RangeError when the matrix shape or the image size is invalid.
 */
export function spectrogramPng(input: SpectrogramInput, options: SpectrogramOptions = {}): Promise<Uint8Array> {
  try {
    return Promise.resolve(svgToPng(spectrogramSvg(input, options)));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
