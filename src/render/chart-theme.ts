import type { Config } from 'vega-lite';
import { FONT_FAMILY } from './svg-png.js';
import { THEME } from './theme.js';

/** Vega-Lite config for a dark chart that matches the spectrogram image and Discord's theme. */
export const DARK_CHART_CONFIG: Config = {
  background: THEME.background,
  font: FONT_FAMILY,
  padding: 12,
  view: { stroke: THEME.grid, fill: THEME.background },
  title: { color: THEME.text, fontSize: 15, anchor: 'start', offset: 10 },
  axis: {
    domainColor: THEME.grid,
    gridColor: THEME.grid,
    tickColor: THEME.grid,
    labelColor: THEME.mutedText,
    titleColor: THEME.text,
    labelFontSize: 11,
    titleFontSize: 12,
  },
  legend: { labelColor: THEME.text, titleColor: THEME.text, labelFontSize: 11, titleFontSize: 12 },
  header: { labelColor: THEME.text, titleColor: THEME.text, labelFontSize: 13 },
};

/** Cuts a user-supplied chart title to a length that fits a chart; vega escapes the text itself. */
export function chartTitle(title: string | undefined, fallback: string): string {
  const chars = [...(title ?? fallback)];
  return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : chars.join('');
}
