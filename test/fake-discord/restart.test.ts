import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './index.js';

const BOT = resolve(import.meta.dirname, 'fixtures/bot-process.ts');
let fake: FakeDiscord;
const children: ChildProcess[] = [];

function startBot(channelId: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', BOT], {
    env: { ...process.env, FAKE_REST_URL: fake.restUrl, FAKE_TOKEN: fake.token, CHANNEL_ID: channelId },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fake.stop();
});

describe('fake Discord across a killed and restarted bot process', () => {
  it('keeps state for the next process after SIGKILL', async () => {
    const channelId = fake.defaults.guilds[0].generalId;
    const first = startBot(channelId);
    const said = (pid: number | undefined): (() => string | undefined) => () => fake.messagesIn(channelId).find((m) => m.content.startsWith(`pid ${pid} `))?.content;
    expect(await fake.waitFor(said(first.pid), 20_000, 'the first process to post')).toBe(`pid ${first.pid} saw 0 earlier`);
    const exited = new Promise((done) => first.once('exit', done));
    first.kill('SIGKILL');
    await exited;
    await fake.waitFor(() => fake.sessions[0]?.closeCode, 5000, 'the killed connection to close');
    expect(fake.sessions[0]!.resumable).toBe(true);
    const second = startBot(channelId);
    expect(await fake.waitFor(said(second.pid), 20_000, 'the second process to post')).toBe(`pid ${second.pid} saw 1 earlier`);
    expect(fake.sessions).toHaveLength(2);
    expect(fake.unhandled).toEqual([]);
  });
});
