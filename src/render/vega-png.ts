import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { svgToPng } from './svg-png.js';

/** Options for {@link renderVegaLitePng}. */
export interface VegaPngOptions {
  /** Pixel density multiplier; default 2 (crisp in Discord), range (0, 8]. */
  scale?: number;
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new Error(`render: ${what} is not allowed; pass data inline as values`));
}

/** A vega loader that loads nothing: the renderer must not reach the network or the disk. */
const NO_IO_LOADER: vega.Loader = {
  load: (uri) => refuse(`loading ${uri}`),
  sanitize: (uri) => refuse(`loading ${uri}`),
  http: (uri) => refuse(`fetching ${uri}`),
  file: (filename) => refuse(`reading ${filename}`),
};

/** Collects vega's errors (and failed loads) instead of printing them. */
function collectingLogger(errors: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(...args: [number?]) {
      if (args[0] === undefined) return level;
      level = args[0];
      return logger;
    },
    error: (...msg: readonly unknown[]) => {
      errors.push(msg.map(String).join(' '));
      return logger;
    },
    warn: (...msg: readonly unknown[]) => {
      // A refused load is only a warning to vega; for us it means the chart would lie.
      if (msg[0] === 'Loading failed') errors.push(msg.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

function hasUrlData(spec: vega.Spec): boolean {
  return (spec.data ?? []).some((d) => 'url' in d);
}

/**
 * Compiles a Vega-Lite spec and renders it to PNG bytes, headless (no canvas, no DOM).
 * Data must be inline (`values`): URL data and images are refused, so rendering never touches
 * the network or the filesystem (apart from the font files).
 * @throws Error when the spec asks for URL data or vega reports an error while running it.
 */
export async function renderVegaLitePng(spec: TopLevelSpec, options: VegaPngOptions = {}): Promise<Uint8Array> {
  const vgSpec = compile(spec).spec;
  if (hasUrlData(vgSpec)) throw new Error('render: URL data is not allowed; pass data inline as values');
  const errors: string[] = [];
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: 'none',
    loader: NO_IO_LOADER,
    logger: collectingLogger(errors),
    logLevel: vega.Error,
  });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`render: vega failed: ${errors.join('; ')}`);
    return svgToPng(svg, { scale: options.scale ?? 2 });
  } finally {
    view.finalize();
  }
}
