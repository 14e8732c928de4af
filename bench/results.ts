import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where every benchmark writes its JSON (and plots). */
export const RESULTS_DIR = join(import.meta.dirname, 'results');

/** Linux's /proc figures count in USER_HZ ticks, which are 10 ms on every Linux. */
const MS_PER_TICK = 10;

/** Whole-machine CPU time since boot in ms, from Linux's /proc/stat (zeros elsewhere). */
export interface MachineCpuMs {
  busy: number;
  total: number;
  /** Time the hypervisor ran something else while this machine's cores wanted to run. */
  steal: number;
}

/** Reads {@link MachineCpuMs} now; differences of two readings give what happened between them. */
export function machineCpuMs(): MachineCpuMs {
  if (!existsSync('/proc/stat')) return { busy: 0, total: 0, steal: 0 };
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return { busy: (total - idle) * MS_PER_TICK, total: total * MS_PER_TICK, steal: (ticks[7] ?? 0) * MS_PER_TICK };
}

/**
 * CPU time of this process (`process.cpuUsage`, in microseconds) and of its children that have
 * exited, the ffmpeg runs (Linux's /proc/self/stat cutime + cstime, in 10 ms ticks; 0 elsewhere),
 * in ms. A child's time counts once it has been waited for, so read it after the work's promise settles.
 */
export function processTreeCpuMs(): number {
  const { user, system } = process.cpuUsage();
  const self = (user + system) / 1000;
  if (!existsSync('/proc/self/stat')) return self;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // fields after the parenthesised command name, which may itself hold spaces: state is field 3
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return self + ((fields[13] ?? 0) + (fields[14] ?? 0)) * MS_PER_TICK;
}

const AT_START = machineCpuMs();

/**
 * The machine a figure was measured on: figures without it mean little. `stealMsDuringRun` is
 * CPU time the hypervisor gave to other guests while this machine's cores wanted to run (machine-wide,
 * not this process alone), since the bench process started (so it includes the suites run before in the same `npm run bench`): a sign of a busy host,
 * which slows a whole run (four `features` runs in a row here: the 80 ms one saw 10 ms of steal,
 * the 122-130 ms ones 50-340 ms), so it helps tell a slow run from a slow change.
 */
export function environment(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: loadavg()[0] ?? 0,
    stealMsDuringRun: machineCpuMs().steal - AT_START.steal,
  };
}

/** Writes `bench/results/<name>` (JSON with the environment, or raw bytes) and says so. */
export function writeResult(name: string, data: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const body = data instanceof Uint8Array ? data : `${JSON.stringify({ environment: environment(), ...(data as object) }, null, 2)}\n`;
  writeFileSync(join(RESULTS_DIR, name), body);
  console.log(`wrote bench/results/${name}`);
}

/** True when the module at `url` is the script node was started with (`tsx bench/<suite>.ts`). */
export function isMain(url: string): boolean {
  return url === pathToFileURL(process.argv[1] ?? '').href;
}
