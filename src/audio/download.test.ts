import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, downloadAttachment, MAX_REDIRECTS, type DownloadOptions } from './download.js';
import { isAudioError } from './errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  origin: string;
  hostPort: string;
  hits: Map<string, number>;
  /** Bytes the server managed to write per path (for endless streams). */
  sent: Map<string, number>;
  close: () => Promise<void>;
}

async function startServer(routes: Record<string, Handler>): Promise<TestServer> {
  const hits = new Map<string, number>();
  const sent = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    const write = res.write.bind(res);
    res.write = ((chunk: Uint8Array, ...rest: never[]) => {
      sent.set(path, (sent.get(path) ?? 0) + chunk.length);
      return write(chunk, ...rest);
    }) as typeof res.write;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    hits,
    sent,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const BODY = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
const CHUNK = Buffer.alloc(64 * 1024, 7);
let main: TestServer;
let other: TestServer;
let options: DownloadOptions;

beforeAll(async () => {
  other = await startServer({ '/ok': (_req, res) => res.end(BODY) });
  main = await startServer({
    '/ok': (_req, res) => res.writeHead(200, { 'content-length': BODY.length }).end(BODY),
    '/chunked': (_req, res) => {
      res.write(BODY.subarray(0, 2000));
      setTimeout(() => res.end(BODY.subarray(2000)), 20);
    },
    '/declared-large': (_req, res) => res.writeHead(200, { 'content-length': 1_000_000 }).write(CHUNK.subarray(0, 10)), // then hangs
    '/endless': (req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      const pump = (): void => {
        while (!res.destroyed && res.write(CHUNK));
      };
      res.on('drain', pump);
      req.on('close', () => res.destroy());
      pump();
    },
    '/slow': (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(Buffer.from([1])), 50);
      res.on('close', () => clearInterval(timer));
    },
    '/silent': () => undefined, // never answers
    '/redirect-ok': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/redirect-absolute': (_req, res) => res.writeHead(301, { location: `${main.origin}/ok` }).end(),
    '/redirect-other-port': (_req, res) => res.writeHead(302, { location: `${other.origin}/ok` }).end(),
    '/redirect-https-elsewhere': (_req, res) => res.writeHead(307, { location: 'https://evil.example/steal' }).end(),
    '/redirect-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/redirect-without-location': (_req, res) => res.writeHead(302).end(),
    '/unavailable': (_req, res) => res.writeHead(503).end(),
    '/forbidden': (_req, res) => res.writeHead(403).end(),
  });
  options = { allowedHosts: [main.hostPort], maxBytes: 100_000, timeoutMs: 5000 };
});
afterAll(async () => {
  await main.close();
  await other.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the download to fail');
  return error;
}

describe('downloadAttachment', () => {
  it('downloads a body with and without Content-Length', async () => {
    expect(await downloadAttachment(`${main.origin}/ok?ex=1&hm=signature`, options)).toEqual(BODY);
    expect(await downloadAttachment(`${main.origin}/chunked`, options)).toEqual(BODY);
    // A listed host without a port allows any port.
    expect(await downloadAttachment(`${main.origin}/ok`, { ...options, allowedHosts: ['127.0.0.1'] })).toEqual(BODY);
  });

  it('refuses a declared Content-Length over maxBytes without waiting for the body', async () => {
    const started = Date.now();
    const error = await failure(downloadAttachment(`${main.origin}/declared-large`, { ...options, timeoutMs: 20_000 }));
    expect(isAudioError(error, 'TOO_LARGE')).toBe(true);
    expect(error).toMatchObject({ userMessage: 'That file is too large: the limit is 0.1 MiB.' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cuts off an endless chunked stream soon after maxBytes', async () => {
    const error = await failure(downloadAttachment(`${main.origin}/endless`, { ...options, maxBytes: 1_000_000, timeoutMs: 20_000 }));
    expect(isAudioError(error, 'TOO_LARGE')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Sockets buffer some data; the server must stop well short of an endless stream.
    expect(main.sent.get('/endless') ?? 0).toBeLessThan(50_000_000);
  });

  it('refuses a body that is one byte over maxBytes, accepts one exactly at it', async () => {
    expect(isAudioError(await failure(downloadAttachment(`${main.origin}/chunked`, { ...options, maxBytes: BODY.length - 1 })), 'TOO_LARGE')).toBe(true);
    expect(await downloadAttachment(`${main.origin}/chunked`, { ...options, maxBytes: BODY.length })).toHaveLength(BODY.length);
  });

  it('times out a slow body and a server that never answers', async () => {
    for (const path of ['/slow', '/silent']) {
      const error = await failure(downloadAttachment(`${main.origin}${path}`, { ...options, timeoutMs: 300 }));
      expect(error).toBeInstanceOf(DownloadError);
      expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    }
  });

  it('follows same-host redirects, at most MAX_REDIRECTS', async () => {
    expect(await downloadAttachment(`${main.origin}/redirect-ok`, options)).toEqual(BODY);
    expect(await downloadAttachment(`${main.origin}/redirect-absolute`, options)).toEqual(BODY);
    const before = main.hits.get('/loop') ?? 0;
    expect(await failure(downloadAttachment(`${main.origin}/loop`, options))).toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    expect((main.hits.get('/loop') ?? 0) - before).toBe(MAX_REDIRECTS + 1);
    expect(await failure(downloadAttachment(`${main.origin}/redirect-without-location`, options))).toMatchObject({ code: 'HTTP_STATUS' });
  });

  it('refuses redirects to other hosts, ports or schemes without contacting them', async () => {
    for (const path of ['/redirect-other-port', '/redirect-https-elsewhere', '/redirect-file']) {
      const error = await failure(downloadAttachment(`${main.origin}${path}`, options));
      expect(error).toBeInstanceOf(DownloadError);
      expect(error).toMatchObject({ code: 'URL_REFUSED' });
    }
    expect(other.hits.get('/ok')).toBeUndefined();
  });

  it('refuses URLs off the list, other schemes, plain http to a real host, and credentials, before any request', async () => {
    let calls = 0;
    const fetchImpl = ((...args: Parameters<typeof fetch>) => {
      calls++;
      return fetch(...args);
    }) as typeof fetch;
    const production = { allowedHosts: ['cdn.discordapp.com', 'media.discordapp.net'], maxBytes: 1000, timeoutMs: 1000, fetchImpl };
    const refused = [
      `${main.origin}/ok`, // loopback, but not listed
      'http://cdn.discordapp.com/attachments/1/2/a.mp3', // plain http to a real host
      'ftp://cdn.discordapp.com/a.mp3',
      'file:///etc/passwd',
      'data:audio/mpeg;base64,AAAA',
      'https://user:secret@cdn.discordapp.com/a.mp3',
      'https://cdn.discordapp.com.evil.example/a.mp3',
      'https://evil.cdn.discordapp.com/a.mp3',
      'https://169.254.169.254/latest/meta-data',
      'https://cdn.discordapp.com:8443/a.mp3', // a listed host, on a port it does not name
      'not a url',
    ];
    for (const url of refused) {
      const error = await failure(downloadAttachment(url, production));
      expect(error, url).toMatchObject({ code: 'URL_REFUSED', userMessage: expect.stringContaining('Discord') as unknown });
      expect(error.message).not.toContain('secret');
      expect((error as DownloadError).detail ?? '').not.toContain('secret');
    }
    expect(calls).toBe(0);
    // A listed port is the only port.
    expect(await failure(downloadAttachment(`${main.origin}/ok`, { ...options, allowedHosts: ['127.0.0.1:1'] }))).toMatchObject({
      code: 'URL_REFUSED',
    });
  });

  it('reports HTTP errors with a readable message, and whether to retry', async () => {
    expect(await failure(downloadAttachment(`${main.origin}/missing`, options))).toMatchObject({
      code: 'HTTP_STATUS',
      retryable: false,
      userMessage: expect.stringContaining('deleted') as unknown,
    });
    expect(await failure(downloadAttachment(`${main.origin}/forbidden`, options))).toMatchObject({ code: 'HTTP_STATUS', retryable: false });
    expect(await failure(downloadAttachment(`${main.origin}/unavailable`, options))).toMatchObject({ code: 'HTTP_STATUS', retryable: true });
  });

  it('reports a refused connection as a network error, and a caller abort as the abort reason', async () => {
    const closed = await startServer({});
    await closed.close();
    expect(await failure(downloadAttachment(`${closed.origin}/ok`, { ...options, allowedHosts: ['127.0.0.1'] }))).toMatchObject({
      code: 'NETWORK',
      retryable: true,
    });
    const controller = new AbortController();
    const pending = downloadAttachment(`${main.origin}/silent`, { ...options, signal: controller.signal });
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await failure(pending)).toBe(reason);
  });

  it('rejects bad options and host entries', async () => {
    await expect(downloadAttachment(`${main.origin}/ok`, { ...options, maxBytes: 0 })).rejects.toThrow(RangeError);
    await expect(downloadAttachment(`${main.origin}/ok`, { ...options, timeoutMs: Number.NaN })).rejects.toThrow(RangeError);
    await expect(downloadAttachment(`${main.origin}/ok`, { ...options, allowedHosts: ['http://127.0.0.1'] })).rejects.toThrow(RangeError);
    await expect(downloadAttachment(`${main.origin}/ok`, { ...options, allowedHosts: ['a.example/path'] })).rejects.toThrow(RangeError);
  });
});
