import type { TopLevelSpec } from 'vega-lite';
import { chartTitle, DARK_CHART_CONFIG } from './chart-theme.js';
import { colourForLabel, GENRE_COLOURS } from './genre-colours.js';
import { renderVegaLitePng } from './vega-png.js';

/** One point of a 2-D embedding (e.g. UMAP of track embeddings). */
export interface EmbeddingPoint {
  x: number;
  y: number;
  label: string;
  /** Drawn bigger, on top, with a white outline: e.g. the tracks of the current user. */
  highlight?: boolean;
}

/** Input of {@link embeddingMapPng}. */
export interface EmbeddingMapInput {
  points: readonly EmbeddingPoint[];
  title?: string;
}

/**
 * Colour scale for the labels present: genres first in GENRE_COLOURS order, then other labels
 * alphabetically, each with its fixed colour from {@link colourForLabel}.
 */
export function labelColourScale(labels: Iterable<string>): { domain: string[]; range: string[] } {
  const present = new Set(labels);
  const genres = Object.keys(GENRE_COLOURS).filter((g) => present.has(g));
  const others = [...present].filter((l) => GENRE_COLOURS[l] === undefined).sort();
  const domain = [...genres, ...others];
  return { domain, range: domain.map(colourForLabel) };
}

/**
 * The Vega-Lite spec of an embedding scatter plot coloured by label; highlighted points are a
 * second layer drawn on top. Axes carry no labels: embedding coordinates have no units.
 * @throws RangeError when there is no point with finite coordinates.
 */
export function embeddingMapSpec(input: EmbeddingMapInput): TopLevelSpec {
  const points = input.points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p) => ({ x: p.x, y: p.y, label: p.label, highlight: p.highlight === true }));
  if (points.length === 0) throw new RangeError('embedding map needs at least one point with finite coordinates');
  const colour = { field: 'label', type: 'nominal', title: null, scale: labelColourScale(points.map((p) => p.label)) } as const;
  const axis = { labels: false, ticks: false, title: null, domain: false, grid: false } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: DARK_CHART_CONFIG,
    title: chartTitle(input.title, 'Taste map'),
    width: 480,
    height: 400,
    data: { values: points },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false, nice: false, padding: 12 }, axis },
      y: { field: 'y', type: 'quantitative', scale: { zero: false, nice: false, padding: 12 }, axis },
      color: colour,
    },
    layer: [
      {
        transform: [{ filter: '!datum.highlight' }],
        // Opaque: translucent overlaps create so many distinct colours that a 5000-point map
        // doubles in PNG size (~510 KB against ~265 KB).
        mark: { type: 'circle', size: 28, opacity: 1 },
      },
      {
        transform: [{ filter: 'datum.highlight' }],
        mark: { type: 'circle', size: 150, opacity: 1, stroke: '#ffffff', strokeWidth: 2 },
      },
    ],
  };
}

/**
 * Renders a 2-D embedding as a scatter plot coloured by label (genres keep their
 * GENRE_COLOURS), with highlighted points bigger and outlined. PNG bytes at 2x.
 * @throws RangeError when there is no point with finite coordinates.
 */
export function embeddingMapPng(input: EmbeddingMapInput): Promise<Uint8Array> {
  try {
    return renderVegaLitePng(embeddingMapSpec(input));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
