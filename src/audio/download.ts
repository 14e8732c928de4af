import { AudioError } from './errors.js';

/**
 * Why a download failed, besides a file too large (an {@link AudioError} `TOO_LARGE`):
 * - `URL_REFUSED`: not an https URL on an allowed host (or a redirect leaving them), or a URL
 *   with credentials.
 * - `HTTP_STATUS`: the server answered with a status other than 2xx (after redirects).
 * - `TOO_MANY_REDIRECTS`: more than {@link MAX_REDIRECTS} redirects.
 * - `TIMEOUT`: the whole download took longer than `timeoutMs`.
 * - `NETWORK`: the connection failed or broke off.
 */
export type DownloadErrorCode = 'URL_REFUSED' | 'HTTP_STATUS' | 'TOO_MANY_REDIRECTS' | 'TIMEOUT' | 'NETWORK';

/** A download that failed; `userMessage` (= `message`) is one sentence a Discord user can read. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly userMessage: string;

  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    /** For logs: never the URL's path or query (Discord's signed attachment URLs are credentials). */
    readonly detail?: string,
    /** True when trying again later may work (timeouts, network faults, 5xx, 429). */
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.userMessage = message;
  }
}

/** Options of {@link downloadAttachment}. */
export interface DownloadOptions {
  /**
   * Hosts that may be downloaded from, each `host` or `host:port` (case-insensitive, exact match:
   * no sub-domains). Only https is used, on port 443 unless the entry names a port. A listed
   * loopback host (`127.0.0.1`, `localhost`, `[::1]`: tests and local fakes) may also be reached
   * over plain http, and on any port when its entry names none (test servers take ephemeral ports).
   */
  allowedHosts: readonly string[];
  /** Largest body accepted, in bytes; more is `TOO_LARGE`, checked before and while reading. */
  maxBytes: number;
  /** Budget for the whole download, redirects included, in ms. Default 60 000. */
  timeoutMs?: number;
  /** Aborting stops the download; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The fetch to use. Default the global fetch. */
  fetchImpl?: typeof fetch;
}

/** Redirects followed at most, each to an allowed URL. */
export const MAX_REDIRECTS = 3;
/** Default of {@link DownloadOptions.timeoutMs}. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const REFUSED = "I can only download files that were uploaded to Discord.";

/**
 * Downloads an attachment into memory without following it anywhere it should not go: the URL
 * and every redirect target must be allowed (see {@link DownloadOptions.allowedHosts}), the
 * declared size is checked before reading and the body is cut off as soon as it passes
 * `maxBytes`, and the whole exchange is bounded by `timeoutMs`.
 * @throws AudioError TOO_LARGE; DownloadError for a refused URL, an HTTP error, too many
 *   redirects, a timeout or a network fault; the signal's reason when `options.signal` aborts;
 *   RangeError for bad options.
 */
export async function downloadAttachment(url: string, options: DownloadOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs = DEFAULT_DOWNLOAD_TIMEOUT_MS } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  options.signal?.throwIfAborted();
  const allowed = parseAllowedHosts(options.allowedHosts);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fetchImpl = options.fetchImpl ?? fetch;

  let target = checkUrl(url, allowed);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetchImpl(target, {
        redirect: 'manual',
        signal,
        headers: { 'accept-encoding': 'identity' },
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (location === null) throw httpError(response.status, target);
        if (redirects >= MAX_REDIRECTS) {
          throw new DownloadError('TOO_MANY_REDIRECTS', 'That file could not be downloaded: it redirects too often.', `host ${target.host}`);
        }
        target = checkUrl(location, allowed, target);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw httpError(response.status, target);
      }
      return await readBody(response, maxBytes);
    }
  } catch (error) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (timeout.aborted) {
      throw new DownloadError('TIMEOUT', 'Downloading that file took too long.', `over ${timeoutMs} ms from ${target.host}`, true, { cause: error });
    }
    if (error instanceof DownloadError || error instanceof AudioError) throw error;
    throw new DownloadError('NETWORK', 'I could not download that file; please try again.', `network error from ${target.host}`, true, {
      cause: error,
    });
  }
}

interface AllowedHost {
  hostname: string;
  /** Undefined: any port. */
  port: string | undefined;
}

function parseAllowedHosts(entries: readonly string[]): AllowedHost[] {
  return entries.map((entry) => {
    let parsed: URL;
    try {
      parsed = new URL(`https://${entry.trim()}`);
    } catch {
      throw new RangeError(`Not a host or host:port: ${entry}`);
    }
    if (parsed.username || parsed.password || parsed.pathname !== '/' || parsed.search || parsed.hash) {
      throw new RangeError(`Not a host or host:port: ${entry}`);
    }
    // URL drops an explicit :443 for https; an entry naming it still means "port 443 only".
    const port = parsed.port || (/:443$/.test(entry.trim()) ? '443' : undefined);
    return { hostname: parsed.hostname, port };
  });
}

/** Parses `text` (relative to `base` for redirects) and refuses anything not allowed. */
function checkUrl(text: string, allowed: readonly AllowedHost[], base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new DownloadError('URL_REFUSED', REFUSED, 'not a URL');
  }
  const https = url.protocol === 'https:';
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (!https && !loopbackHttp) throw new DownloadError('URL_REFUSED', REFUSED, `scheme ${url.protocol}`);
  if (url.username || url.password) throw new DownloadError('URL_REFUSED', REFUSED, 'credentials in URL');
  const port = url.port || (https ? '443' : '80');
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  const portAllowed = (host: AllowedHost): boolean => (host.port === undefined ? loopback || port === '443' : host.port === port);
  if (!allowed.some((host) => host.hostname === url.hostname && portAllowed(host))) {
    throw new DownloadError('URL_REFUSED', REFUSED, `host ${url.host} not allowed${base ? ' (redirect)' : ''}`);
  }
  return url;
}

function httpError(status: number, url: URL): DownloadError {
  const gone = status === 404 || status === 403 || status === 410;
  const retryable = status === 429 || status >= 500;
  const message = gone
    ? 'That file could not be downloaded: it may have been deleted, or its link has expired.'
    : retryable
      ? "Discord's file server is not answering properly; please try again in a moment."
      : 'That file could not be downloaded.';
  return new DownloadError('HTTP_STATUS', message, `HTTP ${status} from ${url.host}`, retryable);
}

/** Reads the body, refusing a declared or actual size over `maxBytes` as soon as it is known. */
async function readBody(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes, `declared ${declared} bytes`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, `more than ${maxBytes} bytes received`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** An AudioError TOO_LARGE that the bot's error handling reads like a DownloadError. */
function tooLarge(maxBytes: number, detail: string): AudioError & { userMessage: string } {
  const mib = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  const message = `That file is too large: the limit is ${mib} MiB.`;
  return Object.assign(new AudioError('TOO_LARGE', message, { detail }), { userMessage: message });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
