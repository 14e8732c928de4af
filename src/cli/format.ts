import type { GenreScore, TrackAnalysis } from '../ml/analyse-track.js';

/** `m:ss` for a time in seconds. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** A bar of `width` cells for a value in [0, 1], in eighths of a cell. */
export function bar(fraction: number, width = 20): string {
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  const partial = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8] ?? '';
  return '█'.repeat(Math.floor(eighths / 8)) + partial;
}

const percent = (p: number): string => `${(p * 100).toFixed(1).padStart(5)}%`;

function topGenres(genres: readonly GenreScore[], count: number): string[] {
  return genres.slice(0, count).map((g) => `  ${g.genre.padEnd(10)}${percent(g.probability)}  ${bar(g.probability)}`);
}

/** The human-readable report of one classified file. */
export function formatAnalysis(file: string, analysis: TrackAnalysis, top = 3): string {
  const lines = [
    `${file}  (${formatClock(analysis.durationS)}, ${analysis.tempoBpm.toFixed(0)} BPM)`,
    ...topGenres(analysis.genres, top),
  ];
  if (analysis.segments.length > 1) {
    lines.push('  timeline:');
    for (const segment of analysis.segments) {
      const best = segment.genres[0];
      if (!best) continue;
      lines.push(`    ${formatClock(segment.startS)}-${formatClock(segment.endS)}  ${best.genre.padEnd(10)}${percent(best.probability)}`);
    }
  }
  return lines.join('\n');
}
