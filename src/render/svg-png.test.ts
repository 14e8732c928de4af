import { describe, expect, it } from 'vitest';
import { countNear, decodeImage } from './png-test-utils.js';
import { escapeXml, estimateTextWidthPx, svgToPng, truncateToWidth } from './svg-png.js';

const svg = (body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#000"/>${body}</svg>`;

describe('svgToPng', () => {
  it('renders text as glyph pixels with the default font', () => {
    const empty = decodeImage(svgToPng(svg('')));
    const withText = decodeImage(svgToPng(svg('<text x="10" y="40" font-size="24" fill="#fff">Hello</text>')));
    expect(countNear(empty, [0, 0, 0], 0)).toBe(200 * 60);
    const inked = 200 * 60 - countNear(withText, [0, 0, 0], 0);
    // Five 24 px glyphs cover a few hundred pixels; a missing font would leave none.
    expect(inked).toBeGreaterThan(200);
    // Text ends where DejaVu's metrics say: nothing right of ~x = 10 + 5 * 0.75 * 24.
    expect(countNear(withText, [0, 0, 0], 0, { x0: 110, y0: 0, x1: 200, y1: 60 })).toBe(90 * 60);
  });

  it('applies the scale factor to the output size', () => {
    const img = decodeImage(svgToPng(svg(''), { scale: 2 }));
    expect([img.width, img.height]).toEqual([400, 120]);
    expect(() => svgToPng(svg(''), { scale: 0 })).toThrow(RangeError);
  });

  it('rejects an SVG that does not parse', () => {
    expect(() => svgToPng('<svg><text>&</text></svg>')).toThrow();
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`<script>&"'`)).toBe('&lt;script&gt;&amp;&quot;&apos;');
    expect(escapeXml('a\u0000b\u001Fc\uD800d')).toBe('abcd');
    expect(escapeXml('emoji 🎸 ok')).toBe('emoji 🎸 ok');
  });

  it('makes hostile text render instead of breaking the document', () => {
    const hostile = `</text><script>alert(1)</script>&amp;"'\u0007\uDFFF]]>`;
    const png = svgToPng(svg(`<text x="4" y="40" font-size="12" fill="#fff">${escapeXml(hostile)}</text>`));
    const img = decodeImage(png);
    expect(200 * 60 - countNear(img, [0, 0, 0], 0)).toBeGreaterThan(100);
  });
});

describe('text fitting', () => {
  it('truncates by code point with an ellipsis', () => {
    expect(truncateToWidth('short', 100, 10)).toBe('short');
    const cut = truncateToWidth('🎸'.repeat(40), 60, 10);
    expect(cut.endsWith('…')).toBe(true);
    expect([...cut]).toHaveLength(10);
    expect(estimateTextWidthPx('abc', 10)).toBeCloseTo(18);
  });
});
