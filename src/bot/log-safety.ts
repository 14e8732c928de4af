import { stdSerializers } from 'pino';

/** Webhook and interaction callback paths carry a token: `/webhooks/<id>/<token>`, `/interactions/<id>/<token>`. */
const TOKEN_PATH = /\/(webhooks|interactions)\/(\d+)\/[A-Za-z0-9._-]+/g;

/** `text` with interaction and webhook tokens in URLs replaced by `[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATH, '/$1/$2/[redacted]');
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/**
 * pino's error serializer, with interaction tokens removed from every string (discord.js REST
 * errors carry the request URL, and an interaction's webhook URL holds its token).
 */
export function safeErrorSerializer(error: unknown): unknown {
  return scrub(error instanceof Error ? stdSerializers.err(error) : error, 0);
}
