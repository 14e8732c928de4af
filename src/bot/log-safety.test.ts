import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { redactTokens, safeErrorSerializer } from './log-safety.js';

describe('log safety', () => {
  it('removes interaction tokens from URLs', () => {
    expect(redactTokens('PATCH https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb24.x-y_z/messages/@original'))
      .toBe('PATCH https://discord.com/api/v10/webhooks/123/[redacted]/messages/@original');
    expect(redactTokens('/interactions/9/tok/callback')).toBe('/interactions/9/[redacted]/callback');
    expect(redactTokens('/channels/1/messages')).toBe('/channels/1/messages');
  });

  it('serialises a discord.js REST error without the token of its URL', () => {
    const error = new DiscordAPIError({ code: 10015, message: 'Unknown Webhook' }, 10015, 404, 'PATCH', 'https://x/api/v10/webhooks/1/secret-token/messages/@original', { body: undefined, files: undefined });
    const out = JSON.stringify(safeErrorSerializer(error));
    expect(out).toContain('Unknown Webhook');
    expect(out).not.toContain('secret-token');
  });
});
