import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, guildLogger, jobLogger } from './logger.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.very-secret-token-part';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    raw: () => chunks.join(''),
    lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('redacts token fields and authorization headers', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ DISCORD_TOKEN: TOKEN, token: 'interaction-token-123', request: { headers: { authorization: `Bot ${TOKEN}` } } }, 'x');
    logger.info({ config: { discordToken: TOKEN }, interaction: { token: 'abcdefghijkl' } }, 'y');
    expect(out.raw()).not.toContain(TOKEN);
    expect(out.raw()).not.toContain('interaction-token-123');
    expect(out.raw()).not.toContain('abcdefghijkl');
    const [first] = out.lines();
    expect(first).toMatchObject({ DISCORD_TOKEN: '[redacted]', token: '[redacted]', request: { headers: { authorization: '[redacted]' } } });
  });

  it('scrubs a known secret from messages and error text', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream, secrets: [TOKEN, undefined] });
    logger.error({ err: new Error(`login failed with ${TOKEN}`) }, `token was ${TOKEN}`);
    expect(out.raw()).not.toContain(TOKEN);
    expect(out.raw()).toContain('[redacted]');
  });

  it('child loggers carry guild and job ids', () => {
    const out = capture();
    const logger = createLogger({ level: 'debug', destination: out.stream, base: { service: 'test' } });
    guildLogger(logger, '123').debug('a');
    jobLogger(logger, 'classify', 'abc').info('b');
    const [a, b] = out.lines();
    expect(a).toMatchObject({ guildId: '123', service: 'test', msg: 'a' });
    expect(b).toMatchObject({ queue: 'classify', jobId: 'abc', msg: 'b' });
  });

  it('honours the level', () => {
    const out = capture();
    createLogger({ level: 'warn', destination: out.stream }).info('hidden');
    expect(out.raw()).toBe('');
  });
});
