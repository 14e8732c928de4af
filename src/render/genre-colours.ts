/**
 * One fixed colour per GTZAN genre, shared by every chart, so a genre looks the same in the
 * spectrogram timeline, the taste map and the evaluation charts. Tableau 10 hues, chosen to
 * stay distinct on Discord's dark background.
 */
export const GENRE_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  blues: '#4e79a7',
  classical: '#76b7b2',
  country: '#9c755f',
  disco: '#ff9da7',
  hiphop: '#f28e2b',
  jazz: '#edc948',
  metal: '#bab0ac',
  pop: '#b07aa1',
  reggae: '#59a14f',
  rock: '#e15759',
});

/** Colours for labels that are not GTZAN genres; none of them repeats a genre colour. */
const EXTRA_COLOURS = ['#8cd17d', '#f1ce63', '#a0cbe8', '#ffbe7d', '#d37295', '#86bcb6', '#d4a6c8', '#fabfd2'];

/**
 * The colour of a label: its genre colour, or for other labels a colour picked by a stable hash
 * of the name, so the same label keeps its colour across charts and runs.
 */
export function colourForLabel(label: string): string {
  const known = GENRE_COLOURS[label];
  if (known !== undefined) return known;
  let hash = 0;
  for (const ch of label) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return EXTRA_COLOURS[hash % EXTRA_COLOURS.length] ?? '#cccccc';
}

/** Parses `#rrggbb` into [r, g, b] bytes. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m === null) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}
