import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeDiscord, type FakeDiscordOptions } from '../fake-discord/index.js';
import { GTZAN_DIR } from '../gtzan.js';
import { startTestRedis, type TestRedis } from '../redis.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** A GTZAN excerpt (2-3 s) by genre and clip number, e.g. `excerpt('jazz', 10)`. */
export function excerpt(genre: string, n: number): Buffer {
  return readFileSync(join(GTZAN_DIR, 'audio/excerpts', genre, `${genre}.${String(n).padStart(5, '0')}.flac`));
}

/** A full 30 s GTZAN clip. */
export function fullClip(genre: string, n: number): Buffer {
  return readFileSync(join(GTZAN_DIR, 'audio/full', genre, `${genre}.${String(n).padStart(5, '0')}.flac`));
}

/** One pino line of a child process. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A bot or worker child process with its parsed log lines. */
export class ChildRun {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) this.take(part);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.raw.push(chunk);
      if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
    });
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  private take(line: string): void {
    this.raw.push(line);
    if (process.env.E2E_VERBOSE) process.stderr.write(`${line}\n`);
    try {
      this.lines.push(JSON.parse(line) as LogLine);
    } catch {
      return;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** How many log lines so far: pass it to {@link waitForLog} to wait for a later line only. */
  mark(): number {
    return this.lines.length;
  }

  /** Resolves with the first log line from index `from` whose `msg` is `msg` (and that `extra` accepts). */
  async waitForLog(msg: string, timeoutMs = 30_000, extra: (line: LogLine) => boolean = () => true, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find((l) => l.msg === msg && extra(l));
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before logging "${msg}":\n${this.raw.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no log "${msg}" within ${timeoutMs} ms:\n${this.raw.slice(-20).join('\n')}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  /**
   * Sends `signal` and waits for the process to exit. SIGKILL goes to the whole process group
   * (the process and its sandboxed job children), as when a container dies.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(signal === 'SIGKILL' ? -pid : pid, signal);
      } catch {
        // Already gone.
      }
    }
    return this.exited;
  }
}

/** The fake Discord, a real redis-server and a temporary DATA_DIR, shared by one test file. */
export class World {
  private readonly runs: ChildRun[] = [];

  private constructor(readonly fake: FakeDiscord, readonly redis: TestRedis, readonly dataDir: string) {}

  static async start(fakeOptions: FakeDiscordOptions = {}): Promise<World> {
    const fake = await FakeDiscord.start(fakeOptions);
    const redis = await startTestRedis();
    return new World(fake, redis, mkdtempSync(join(tmpdir(), 'cratedigger-e2e-')));
  }

  /** The environment of the bot and worker processes. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH, HOME: process.env.HOME, GTZAN_DIR,
      DISCORD_TOKEN: this.fake.token, DISCORD_API_URL: this.fake.restUrl, REDIS_URL: this.redis.url,
      DATA_DIR: this.dataDir, ATTACHMENT_HOSTS: '127.0.0.1', START_WORKERS: '1', JOB_LOCK_MS: '2000',
      LOG_LEVEL: 'debug', MAX_UPLOAD_MB: '2',
      ...extra,
    };
  }

  private spawn(script: string, env: NodeJS.ProcessEnv): ChildRun {
    const run = new ChildRun(spawn(TSX, [join(ROOT, script)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    this.runs.push(run);
    return run;
  }

  /** Starts the bot process; resolves once it has registered its commands. */
  async startBot(extra: Record<string, string> = {}): Promise<ChildRun> {
    const bot = this.spawn('src/main.ts', this.env(extra));
    await bot.waitForLog('commands registered', 60_000);
    return bot;
  }

  /** Starts a separate worker process (the bot then runs with START_WORKERS=0). */
  startWorker(extra: Record<string, string> = {}): ChildRun {
    return this.spawn('workers/main.ts', this.env(extra));
  }

  /** Every log line of every process so far, raw. */
  allOutput(): string {
    return this.runs.flatMap((r) => r.raw).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.kill('SIGKILL')));
    await this.fake.stop();
    await this.redis.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
