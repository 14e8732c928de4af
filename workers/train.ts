import type { SandboxedJob } from 'bullmq';
import { configFromProcess } from '../src/config.js';
import { trainingInput } from '../src/jobs/train-input.js';
import { TrainJobData, TrainJobResult } from '../src/jobs/schemas.js';
import { fitServerModel } from '../src/recs/server-model.js';
import { openStores, type Stores } from '../src/store/index.js';
import type { StoredTrack } from '../src/store/types.js';
import { badJob } from './child-basics.js';

/**
 * The store of this child process, opened on first use: training reads a whole server's
 * library, reactions and corrections, which would be too much to carry in a job. This child is
 * the composition root of its own process (as for the genre model in child-runtime.ts); its
 * DATA_DIR is the bot's, passed by `workers/run.ts`, so the train queue is served only where
 * the bot's SQLite file is.
 */
let stores: Promise<Stores> | undefined;

function openChildStores(): Promise<Stores> {
  stores ??= openStores(configFromProcess('worker').dataDir).catch((error: unknown) => {
    stores = undefined;
    throw error;
  });
  return stores;
}

/**
 * Sandboxed processor of the `train` queue: fits one server's models (the preference model on
 * its members' 👍/👎, the genre head on their corrections) with `fitServerModel`, and stores them
 * for that server only. Pure JS, no tfjs: about a second for 10k reactions.
 * @throws UnrecoverableError for an invalid payload; store faults are retried with backoff.
 */
export default async function train(job: SandboxedJob): Promise<TrainJobResult> {
  const parsed = TrainJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid train job: ${parsed.error.message}`);
  const { guildId } = parsed.data;
  const store = await openChildStores();
  const tracks: StoredTrack[] = [];
  for await (const track of store.tracks.all(guildId)) tracks.push(track);
  const input = trainingInput(tracks, await store.feedback.listByGuild(guildId), await store.labels.listByGuild(guildId));
  const started = performance.now();
  const model = fitServerModel(input);
  const fitMs = performance.now() - started;
  await store.serverModels.put({ guildId, fittedAt: new Date().toISOString(), tracks: input.library.size, model });
  return TrainJobResult.parse({
    guildId,
    tracks: input.library.size,
    feedbackCount: model.feedbackCount,
    correctionCount: model.correctionCount,
    preference: model.preference !== undefined,
    genreHead: model.genreHead !== undefined,
    fitMs,
  });
}
