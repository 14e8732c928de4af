import { colourForLabel, hexToRgb } from './genre-colours.js';
import { escapeXml, estimateTextWidthPx, truncateToWidth } from './svg-png.js';
import { THEME, luminance } from './theme.js';

/** One analysis window's top genre; times in seconds from the start of the track. */
export interface GenreSegment {
  startS: number;
  endS: number;
  genre: string;
  /** Probability of `genre` in [0, 1]. */
  probability: number;
}

/** Where the timeline strip sits, in pixels of the final image. */
export interface StripBox {
  left: number;
  top: number;
  width: number;
  height: number;
  durationS: number;
}

const LABEL_FONT_PX = 11;

/** The x range in px covered by a segment, clamped to the strip; null when it lies outside. */
export function segmentSpanPx(seg: GenreSegment, box: StripBox): { x0: number; x1: number } | null {
  if (!(box.durationS > 0) || !(seg.endS > seg.startS)) return null;
  const t0 = Math.max(0, seg.startS);
  const t1 = Math.min(box.durationS, seg.endS);
  if (!(t1 > t0)) return null;
  return { x0: box.left + (t0 / box.durationS) * box.width, x1: box.left + (t1 / box.durationS) * box.width };
}

function percent(p: number): string {
  return `${Math.round(Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0)) * 100)}%`;
}

/**
 * The first of "genre 87%", "genre", "gen…" (at least 3 letters kept), "87%" that fits
 * `widthPx`, or '' when none does: the genre matters more than its probability.
 */
export function fitSegmentLabel(seg: GenreSegment, widthPx: number): string {
  const room = widthPx - 6;
  const pct = percent(seg.probability);
  const full = [`${seg.genre} ${pct}`, seg.genre].find((o) => estimateTextWidthPx(o, LABEL_FONT_PX) <= room);
  if (full !== undefined) return full;
  const cut = truncateToWidth(seg.genre, room, LABEL_FONT_PX);
  if ([...cut].length >= 4) return cut;
  return estimateTextWidthPx(pct, LABEL_FONT_PX) <= room ? pct : '';
}

/** SVG for the strip: one block per segment in its genre colour, labelled where it fits. */
export function timelineSvg(segments: readonly GenreSegment[], box: StripBox): string {
  const parts = [`<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="${THEME.panel}"/>`];
  const drawn = segments.map((s) => ({ seg: s, span: segmentSpanPx(s, box) }));
  if (!drawn.some((d) => d.span !== null)) {
    parts.push(
      `<text x="${box.left + box.width / 2}" y="${box.top + box.height / 2 + 4}" text-anchor="middle" ` +
        `font-size="${LABEL_FONT_PX}" fill="${THEME.mutedText}">no genre segments</text>`,
    );
    return parts.join('');
  }
  for (const { seg, span } of drawn) {
    if (span === null) continue;
    const colour = colourForLabel(seg.genre);
    const w = span.x1 - span.x0;
    parts.push(
      `<rect x="${span.x0.toFixed(2)}" y="${box.top}" width="${w.toFixed(2)}" height="${box.height}" fill="${colour}"/>`,
    );
    const label = fitSegmentLabel(seg, w);
    if (label !== '') {
      const ink = luminance(hexToRgb(colour)) > 0.55 ? '#111214' : '#ffffff';
      parts.push(
        `<text x="${(span.x0 + w / 2).toFixed(2)}" y="${box.top + box.height / 2 + 4}" text-anchor="middle" ` +
          `font-size="${LABEL_FONT_PX}" fill="${ink}">${escapeXml(label)}</text>`,
      );
    }
  }
  // Thin separators keep neighbouring blocks of the same genre distinguishable.
  for (const { span } of drawn) {
    if (span === null || span.x0 <= box.left) continue;
    parts.push(
      `<rect x="${span.x0.toFixed(2)}" y="${box.top}" width="1" height="${box.height}" fill="${THEME.background}" opacity="0.6"/>`,
    );
  }
  return parts.join('');
}

/** Genres by total time shown, longest first. */
export function genresByTime(segments: readonly GenreSegment[], durationS: number): string[] {
  const totals = new Map<string, number>();
  for (const s of segments) {
    const t = Math.min(durationS, s.endS) - Math.max(0, s.startS);
    if (t > 0) totals.set(s.genre, (totals.get(s.genre) ?? 0) + t);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
}

/** SVG for a one-line legend of genre swatches starting at (left, top), cut at `maxWidthPx`. */
export function legendSvg(genres: readonly string[], left: number, top: number, maxWidthPx: number): string {
  const parts: string[] = [];
  let x = left;
  for (const genre of genres) {
    const name = truncateToWidth(genre, 160, LABEL_FONT_PX);
    const w = 14 + estimateTextWidthPx(name, LABEL_FONT_PX) + 14;
    if (x + w > left + maxWidthPx) break;
    parts.push(
      `<rect x="${x}" y="${top + 2}" width="10" height="10" rx="2" fill="${colourForLabel(genre)}"/>`,
      `<text x="${x + 14}" y="${top + 11}" font-size="${LABEL_FONT_PX}" fill="${THEME.text}">${escapeXml(name)}</text>`,
    );
    x += w;
  }
  return parts.join('');
}
