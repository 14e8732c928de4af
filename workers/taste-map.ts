import type { SandboxedJob } from 'bullmq';
import { TasteMapJobData, TasteMapJobResult } from '../src/jobs/schemas.js';
import { project, topEigenvectors } from '../src/recs/pca.js';
import { embeddingMapPng } from '../src/render/index.js';
import { badJob } from './child-basics.js';

/**
 * Coordinates of each vector on the first two principal components (the vectors centred on
 * their mean): a linear map, fast for thousands of tracks and stable from one request to the
 * next, where UMAP would take seconds and move clusters around.
 */
export function principalPlane(vectors: readonly (readonly number[])[]): { x: number; y: number }[] {
  const dim = vectors[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  for (const v of vectors) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (v[j] ?? 0) / vectors.length;
  const centred = vectors.map((v) => Float32Array.from({ length: dim }, (_, j) => (v[j] ?? 0) - (mean[j] as number)));
  const basis = topEigenvectors(centred, dim, 2);
  return centred.map((v) => {
    const [x = 0, y = 0] = project(basis, 2, v);
    return { x, y };
  });
}

/**
 * Sandboxed processor of the `taste-map` queue: projects a server's track embeddings to 2-D,
 * draws them coloured by genre with the member's likes outlined, and returns the PNG.
 * @throws UnrecoverableError for an invalid payload.
 */
export default async function tasteMap(job: SandboxedJob): Promise<TasteMapJobResult> {
  const parsed = TasteMapJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid taste-map job: ${parsed.error.message}`);
  const { tracks, title } = parsed.data;
  const plane = principalPlane(tracks.map((t) => t.embedding));
  const png = await embeddingMapPng({
    title,
    points: tracks.map((t, i) => ({ x: plane[i]?.x ?? 0, y: plane[i]?.y ?? 0, label: t.genre, highlight: t.liked })),
  });
  return TasteMapJobResult.parse({ pngBase64: Buffer.from(png).toString('base64') });
}
