import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** Font family every renderer in this folder asks for; DejaVu ships with most Linux images. */
export const FONT_FAMILY = 'DejaVu Sans';

const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => `${DEJAVU_DIR}/${f}`);

/**
 * Loading two font files is ~10x faster than scanning every system font, so the system scan is
 * only the fallback for machines without DejaVu at the usual path.
 */
function fontOptions(): NonNullable<ResvgRenderOptions['font']> {
  const haveDejaVu = DEJAVU_FILES.every((f) => existsSync(f));
  return {
    loadSystemFonts: !haveDejaVu,
    fontFiles: haveDejaVu ? DEJAVU_FILES : [],
    defaultFontFamily: FONT_FAMILY,
    sansSerifFamily: FONT_FAMILY,
    defaultFontSize: 12,
  };
}

let cachedFonts: NonNullable<ResvgRenderOptions['font']> | undefined;

/** Options for {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Zoom factor applied to the SVG's own width and height; default 1, range (0, 8]. */
  scale?: number;
  /** CSS colour painted behind the SVG; default transparent. */
  background?: string;
}

/**
 * Renders an SVG document to PNG bytes with resvg, with DejaVu Sans as the default font.
 * External resources are never fetched: resvg resolves no URLs and we do not resolve any.
 * @throws Error when the SVG cannot be parsed, RangeError on a bad scale.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`scale must be in (0, 8], got ${scale}`);
  cachedFonts ??= fontOptions();
  const resvg = new Resvg(svg, {
    font: cachedFonts,
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    logLevel: 'off',
    ...(options.background === undefined ? {} : { background: options.background }),
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

// XML 1.0 forbids these code points even when escaped; a file name could still carry them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for use in SVG element content or attribute values, dropping invalid XML chars. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '').replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/** Average advance of DejaVu Sans glyphs as a fraction of font size; used to fit labels. */
const AVG_CHAR_WIDTH_EM = 0.6;

/** Estimated rendered width in px of `text` at `fontSizePx` in DejaVu Sans. */
export function estimateTextWidthPx(text: string, fontSizePx: number): number {
  return [...text].length * fontSizePx * AVG_CHAR_WIDTH_EM;
}

/** Cuts `text` (by code point) so it fits `maxWidthPx`, adding an ellipsis when cut. */
export function truncateToWidth(text: string, maxWidthPx: number, fontSizePx: number): string {
  const chars = [...text];
  const maxChars = Math.floor(maxWidthPx / (fontSizePx * AVG_CHAR_WIDTH_EM));
  if (chars.length <= maxChars) return text;
  if (maxChars <= 1) return '';
  return `${chars.slice(0, maxChars - 1).join('')}…`;
}
