/**
 * `npm run bench`: every benchmark, or the ones named (`npm run bench -- pipeline jobs`).
 * Each prints its table and writes `bench/results/<suite>.json` with the machine it ran on.
 * Run on an otherwise idle machine: figures taken beside other work are not comparable.
 */
import { benchBot, reportBotBench } from './bot.js';
import { benchFeatures, reportFeatures } from './features.js';
import { benchJobs, reportJobs } from './jobs.js';
import { benchLearning, reportLearning } from './learning.js';
import { benchPipeline, reportPipeline } from './pipeline.js';
import { benchRadio, reportRadio } from './radio.js';
import { benchRecsLatency, reportRecsLatency } from './recs-latency.js';
import { benchVoice, reportVoice } from './voice.js';

const SUITES: Record<string, () => Promise<void> | void> = {
  pipeline: async () => reportPipeline(await benchPipeline()),
  features: () => reportFeatures(benchFeatures()),
  jobs: async () => reportJobs(await benchJobs()),
  bot: async () => reportBotBench(await benchBot()),
  'recs-latency': async () => reportRecsLatency(await benchRecsLatency()),
  learning: async () => reportLearning(await benchLearning()),
  voice: async () => reportVoice(await benchVoice()),
  radio: async () => reportRadio(await benchRadio()),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(SUITES)) {
  await SUITES[name]!();
}
