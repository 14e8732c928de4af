import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection, type NetConnectOpts } from 'node:net';
import { join, resolve } from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config.js';
import type { Logger } from './logger.js';

/** Where Redis answers: a TCP address or a unix socket. */
export type RedisTarget = { host: string; port: number } | { path: string };

/** A Redis the processes can use, however it was found. */
export interface RedisHandle {
  /** ioredis options for bullmq's Queue, QueueEvents and Worker (a fresh connection each). */
  connection: ConnectionOptions;
  /** Where it is, for logs: `redis://host:port/db` without credentials, or `unix:///path`. */
  url: string;
  /** How it was found: REDIS_URL, the usual local port, or our private server under DATA_DIR. */
  source: 'url' | 'local' | 'private';
  /** Shuts down a private server this process owns (the bot); otherwise does nothing. */
  stop(): Promise<void>;
}

/** The standard local address tried when REDIS_URL is unset. */
export const LOCAL_REDIS = { host: '127.0.0.1', port: 6379 } as const;

/** Folder and socket of the private Redis under `dataDir`. */
export function privateRedisPaths(dataDir: string): { dir: string; socket: string } {
  const dir = resolve(dataDir, 'redis');
  return { dir, socket: join(dir, 'redis.sock') };
}

/**
 * Sends one RESP `PING` and resolves true when `+PONG` (or a NOAUTH error, which proves a Redis
 * listens) arrives within `timeoutMs`; false on refusal, silence or anything else.
 */
export function pingRedis(target: RedisTarget, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection(target as NetConnectOpts);
    let reply = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      done(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.on('error', () => finish(false));
  });
}

/** bullmq's options for a Redis at `target`: workers need `maxRetriesPerRequest: null`. */
export function connectionFor(target: RedisTarget): ConnectionOptions {
  return { ...target, maxRetriesPerRequest: null };
}

/** Converts a `redis://` or `rediss://` URL into ioredis options (credentials, db, TLS). */
export function connectionFromUrl(url: string): ConnectionOptions {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A URL for logs: the password is dropped. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  u.password = '';
  u.username = '';
  return u.toString();
}

/** Sends `SHUTDOWN` (which saves the append-only file) to the server at `socket`. */
function shutdownServer(socket: string): Promise<void> {
  return new Promise((done) => {
    const client = createConnection({ path: socket });
    const timer = setTimeout(() => client.destroy(), 5000);
    client.on('connect', () => client.write('SHUTDOWN\r\n'));
    client.on('close', () => {
      clearTimeout(timer);
      done();
    });
    client.on('error', () => undefined);
  });
}

async function waitForPing(target: RedisTarget, timeoutMs: number, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    if (await pingRedis(target, 300)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts the private server: no TCP port, a unix socket only this user may use, append-only
 * persistence under `<dataDir>/redis`. Detached, so that a bot killed with SIGKILL leaves it
 * running and the next start finds it on the socket.
 */
async function startPrivateServer(dataDir: string, logger: Logger): Promise<void> {
  const { dir, socket } = privateRedisPaths(dataDir);
  // Unix socket paths are limited to 107 bytes on Linux (103 on macOS).
  if (Buffer.byteLength(socket) > 103) throw new Error(`DATA_DIR is too long for the private Redis socket (${socket}): use a shorter DATA_DIR, or set REDIS_URL`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!hasRedisServer()) {
    logger.warn('redis-server is missing: installing it with apt-get');
    const script = resolve(import.meta.dirname, '../../scripts/ensure-system.mjs');
    spawnSync(process.execPath, [script, 'redis-server'], { stdio: 'inherit' });
    if (!hasRedisServer()) throw new Error('redis-server is not installed and could not be installed: install it, or set REDIS_URL');
  }
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir,
    '--appendonly', 'yes', '--save', '', '--logfile', join(dir, 'redis.log'), '--daemonize', 'no'];
  const child = spawn('redis-server', args, { detached: true, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', () => (exited = true));
  child.unref();
  if (!(await waitForPing({ path: socket }, 10_000, () => exited))) {
    if (!exited) child.kill('SIGKILL');
    throw new Error(`the private redis-server did not start; see ${join(dir, 'redis.log')}`);
  }
}

/**
 * Finds the Redis this process should use: `config.redisUrl` when set; else a Redis on
 * 127.0.0.1:6379; else the private server on `<dataDir>/redis/redis.sock` (left running by an
 * earlier start, or started now by the bot role; the worker role never starts one). The bot owns
 * a private server: its `stop()` shuts it down.
 * @throws Error when no Redis can be found or started.
 */
export async function connectRedis(config: Pick<AppConfig, 'redisUrl' | 'dataDir' | 'role'>, logger: Logger): Promise<RedisHandle> {
  const none = (): Promise<void> => Promise.resolve();
  if (config.redisUrl) {
    const handle: RedisHandle = { connection: connectionFromUrl(config.redisUrl), url: displayUrl(config.redisUrl), source: 'url', stop: none };
    logger.info({ redis: handle.url }, 'using REDIS_URL');
    return handle;
  }
  const { socket } = privateRedisPaths(config.dataDir);
  const owns = config.role === 'bot';
  const privateHandle = (): RedisHandle => ({
    connection: connectionFor({ path: socket }),
    url: `unix://${socket}`,
    source: 'private',
    stop: owns ? () => shutdownServer(socket) : none,
  });
  if (await pingRedis({ path: socket })) {
    logger.info({ redis: socket }, 'reusing the private redis-server');
    return privateHandle();
  }
  if (await pingRedis(LOCAL_REDIS)) {
    logger.info({ redis: `${LOCAL_REDIS.host}:${LOCAL_REDIS.port}` }, 'using the local redis');
    return { connection: connectionFor(LOCAL_REDIS), url: `redis://${LOCAL_REDIS.host}:${LOCAL_REDIS.port}`, source: 'local', stop: none };
  }
  if (!owns) throw new Error('no Redis found: set REDIS_URL (workers on other machines need the address of the bot\'s Redis)');
  logger.info({ redis: socket }, 'starting a private redis-server');
  await startPrivateServer(config.dataDir, logger);
  return privateHandle();
}
