import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { MultipartError, multipartBoundary, parseMultipart, type FormPart } from './multipart.js';

/** An error answered the way Discord answers it: an HTTP status and `{ code, message, errors? }`. */
export class DiscordHttpError extends Error {
  override readonly name = 'DiscordHttpError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

/** 404 with one of Discord's "Unknown ..." codes. */
export const unknown = (code: RESTJSONErrorCodes, what: string): DiscordHttpError =>
  new DiscordHttpError(404, code, `Unknown ${what}`);

/** 400 "Invalid Form Body" (50035), naming the offending field the way Discord does. */
export const invalidForm = (field: string, message: string): DiscordHttpError =>
  new DiscordHttpError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
    [field]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] },
  });

/** 403 "Missing Permissions" (50013). */
export const missingPermissions = (): DiscordHttpError =>
  new DiscordHttpError(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions');

/** A request as the route handlers see it: decoded path parameters, query and raw body. */
export interface FakeRequest {
  readonly method: string;
  /** Path below `/api/v10`, still percent-encoded (as it arrived). */
  readonly path: string;
  /** Path parameters, percent-decoded (`%F0%9F%91%8D` arrives here as '👍'). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** What a handler returns: a JSON body (status 200 by default) or an empty 204. */
export type FakeResponse =
  | { readonly status?: number; readonly json: unknown }
  | { readonly status: 204 }
  | { readonly status?: number; readonly bytes: Buffer; readonly contentType: string };

/** A route handler; throw DiscordHttpError to answer with an error. */
export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

/**
 * A method + path-pattern router. Patterns use `:name` segments; each segment is matched
 * after splitting on '/', then percent-decoded, so an encoded '/' inside an emoji cannot
 * split a segment.
 */
export class Router {
  readonly #routes: Route[] = [];

  /** Registers `handler` for `method` and a pattern like `/channels/:channelId/messages`. */
  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: pattern.split('/').slice(1), handler });
    return this;
  }

  /** The handler and decoded params for a request, or undefined when no route matches. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const actual = path.split('/').slice(1);
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== actual.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        const value = actual[i]!;
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = safeDecode(value);
          return value.length > 0;
        }
        return seg === safeDecode(value);
      });
      if (ok) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidForm('path', `malformed percent-encoding in path segment ${segment}`);
  }
}

/** Reads a request body completely, refusing more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limitBytes) throw new DiscordHttpError(413, 40005, 'Request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Writes a FakeResponse or an error as Discord would. */
export function writeResponse(res: ServerResponse, response: FakeResponse): void {
  if ('bytes' in response) {
    res.writeHead(response.status ?? 200, { 'content-type': response.contentType, 'content-length': response.bytes.length });
    res.end(response.bytes);
  } else if ('json' in response) {
    const text = JSON.stringify(response.json);
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json' });
    res.end(text);
  } else {
    res.writeHead(204);
    res.end();
  }
}

/** Discord's JSON error body for a DiscordHttpError. */
export const errorResponse = (error: DiscordHttpError): FakeResponse => ({
  status: error.status,
  json: { code: error.code, message: error.message, ...(error.errors !== undefined && { errors: error.errors }) },
});

/** A JSON body parsed, or a 400 (50109 "The request body contains invalid JSON"). */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new DiscordHttpError(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, 'The request body contains invalid JSON.');
  }
}

/** A message-like body: JSON alone, or multipart `payload_json` plus `files[n]` parts. */
export interface MessageBody {
  readonly json: Record<string, unknown>;
  /** Uploaded files by their index n in `files[n]`. */
  readonly files: ReadonlyMap<number, FormPart>;
}

/** Parses a body that may be JSON or multipart/form-data with `payload_json` and `files[n]`. */
export function parseMessageBody(req: FakeRequest): MessageBody {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (!boundary) return { json: asObject(parseJson(req.body)), files: new Map() };
  let parts: FormPart[];
  try {
    parts = parseMultipart(req.body, boundary);
  } catch (error) {
    if (error instanceof MultipartError) throw invalidForm('body', error.message);
    throw error;
  }
  const files = new Map<number, FormPart>();
  let json: Record<string, unknown> = {};
  for (const part of parts) {
    const fileIndex = /^files\[(\d+)\]$/.exec(part.name)?.[1];
    if (part.name === 'payload_json') json = asObject(parseJson(part.data));
    else if (fileIndex !== undefined && part.filename !== undefined) files.set(Number(fileIndex), part);
    else throw invalidForm(part.name, `unexpected form field ${part.name}`);
  }
  return { json, files };
}

/** The value as a plain JSON object, or a 400. */
export function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidForm('body', 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}
