import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildRun } from './harness.js';
import { World, excerpt } from './harness.js';
import { at, classify, command, isTrackMessage } from './members.js';

/**
 * A bot application as Discord creates it: privileged intents off. The bot starts anyway,
 * answers commands, and says what the Message Content intent is needed for.
 */
let world: World;
let bot: ChildRun;

beforeAll(async () => {
  world = await World.start({ allowedPrivilegedIntents: 0 });
  bot = await world.startBot();
}, 90_000);

afterAll(async () => {
  await world?.stop();
});

describe('a bot without the Message Content intent', () => {
  it('still classifies, and explains what import needs', async () => {
    expect(bot.lines.find((l) => l.msg === 'logged in')).toMatchObject({ messageContent: false });
    expect(bot.lines.some((l) => l.level === 40 && l.msg.includes('Message Content intent is off'))).toBe(true);
    const { answer } = await classify(world.fake, at(world.fake, 0, 'carol'), { filename: 'rock.flac', data: excerpt('rock', 10), contentType: 'audio/flac' });
    expect(isTrackMessage(answer)).toBe(true);
    const where = at(world.fake, 0, 'alice');
    const refusal = await command(world.fake, where, 'library', ['import'], { channel: where.channelId });
    expect(refusal.content).toMatch(/Message Content/);
  });
});
