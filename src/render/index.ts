/**
 * Rendering: data in, PNG bytes out. Pure of Discord, queues, storage and config; the only
 * files read are fonts, and nothing is fetched.
 */
export { renderVegaLitePng, type VegaPngOptions } from './vega-png.js';
export { confusionMatrixPng, confusionMatrixSpec, type ConfusionMatrixInput } from './confusion-matrix.js';
export { trainingCurvesPng, trainingCurvesSpec, type TrainingCurvesInput } from './training-curves.js';
export { embeddingMapPng, embeddingMapSpec, type EmbeddingMapInput, type EmbeddingPoint } from './embedding-map.js';
export {
  spectrogramPng,
  SPECTROGRAM_WIDTH_PX,
  type GenreSegment,
  type SpectrogramInput,
  type SpectrogramOptions,
} from './spectrogram.js';
export { GENRE_COLOURS, colourForLabel } from './genre-colours.js';
