import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeMinuteMp3 } from '../../bench/track.js';
import { World } from './harness.js';
import { at, isTrackMessage, libraryCount } from './members.js';

/**
 * A separate worker process is killed (SIGKILL, with its sandboxed job child) while it analyses
 * a 3-minute mp3; once its job lock expires, a second worker takes the stalled job over and the
 * member still gets the answer. The server's audio quota is 0: the answer says no copy was kept.
 */
/** The 3-minute analysis takes a while on a busy 2-core machine, plus the lock expiry. */
const LONG_MS = 100_000;
let world: World;

beforeAll(async () => {
  world = await World.start();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('a worker killed mid-job', () => {
  it('still completes the job on another worker', async () => {
    // No room for audio copies: the answer says so, and the track still joins the library.
    const env = { START_WORKERS: '0', MAX_UPLOAD_MB: '10', AUDIO_QUOTA_MB: '0' };
    const mp3 = readFileSync(await threeMinuteMp3());
    await world.startBot(env);
    const first = world.startWorker(env);
    await first.waitForLog('workers started', 30_000);
    const where = at(world.fake, 0, 'alice');
    const run = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'three-minutes.mp3', data: mp3, contentType: 'audio/mpeg' } } });
    await run.response((m) => m.content.startsWith('🎧 Analysing'), LONG_MS);
    await first.kill('SIGKILL');
    expect(first.lines.some((l) => l.msg === 'job completed')).toBe(false);

    const second = world.startWorker(env);
    const answer = await run.response(isTrackMessage, LONG_MS);
    expect(answer.embeds[0]?.fields?.find((f) => f.name === 'Duration')?.value).toBe('3:00');
    expect(second.lines.some((l) => l.msg === 'job completed')).toBe(true);
    expect(answer.embeds[0]?.description).toContain('audio storage is full');
    expect(await libraryCount(world.fake, where)).toBe(1);
  }, 240_000);
});
