import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeMinuteMp3 } from '../../bench/track.js';
import { World } from './harness.js';
import { ANSWER_MS, at, isTrackMessage, libraryCount } from './members.js';

/**
 * A separate worker process is killed (SIGKILL, with its sandboxed job child) while it analyses
 * a 3-minute mp3; once its job lock expires, a second worker takes the stalled job over and the
 * member still gets the answer.
 */
let world: World;

beforeAll(async () => {
  world = await World.start();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('a worker killed mid-job', () => {
  it('still completes the job on another worker', async () => {
    const env = { START_WORKERS: '0', MAX_UPLOAD_MB: '10' };
    const mp3 = readFileSync(await threeMinuteMp3());
    await world.startBot(env);
    const first = world.startWorker(env);
    await first.waitForLog('workers started', 30_000);
    const where = at(world.fake, 0, 'alice');
    const run = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'three-minutes.mp3', data: mp3, contentType: 'audio/mpeg' } } });
    await run.response((m) => m.content.startsWith('🎧 Analysing'), ANSWER_MS);
    await first.kill('SIGKILL');
    expect(first.lines.some((l) => l.msg === 'job completed')).toBe(false);

    const second = world.startWorker(env);
    const answer = await run.response(isTrackMessage, ANSWER_MS);
    expect(answer.embeds[0]?.fields?.find((f) => f.name === 'Duration')?.value).toBe('3:00');
    expect(second.lines.some((l) => l.msg === 'job completed')).toBe(true);
    expect(await libraryCount(world.fake, where)).toBe(1);
  });
});
