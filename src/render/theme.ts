/** Colours shared by all images: Discord's dark theme, so images sit well in a chat. */
export const THEME = {
  background: '#1e1f22',
  panel: '#2b2d31',
  text: '#dbdee1',
  mutedText: '#949ba4',
  grid: '#3f4147',
} as const;

/** Relative luminance in [0, 1] of `[r, g, b]` bytes (sRGB, no gamma: good enough for contrast). */
export function luminance([r, g, b]: readonly [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
