import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { analyseArrival, type FakeVoiceServer } from '../test/fake-voice/index.js';

/** The targets: first packet within 1 s; 10 concurrent servers on one core without gaps over 60 ms. */
export const TARGETS = { firstPacketMs: 1000, streams: 10, maxGapMs: 60 };

/** One concurrent-streams run. */
export interface StreamsRun {
  streams: number;
  /** How the audio was produced: 'stored copy as is' (Ogg/Opus packets forwarded), 'ffmpeg volume' (re-encoded per stream), or the bot's mix. */
  path: string;
  /** CPU of the streaming process and its finished children (ffmpeg) over the run, in % of one core. */
  cpuPercent: number;
  cpuPercentPerStream: number;
  /** Largest inter-arrival gap of any stream, in ms. */
  maxGapMs: number;
  /** Streams with a gap over the limit, and how many such gaps there were in all. */
  streamsOverGapLimit: number;
  gapsOverLimit: number;
  /** Sequence or timestamp breaks within each voice session (SSRC) over all streams (0 when every stream is contiguous). */
  breaks: number;
  /** Voice sessions beyond one per stream: reconnects during the run. */
  reconnects: number;
  /** Datagrams the kernel dropped at the fake voice server's full receive buffer during the run (the receiver's fault), when known. */
  receiverDrops: number | null;
  packets: number;
  wallS: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Judges the packets of `guildIds` that arrived after `startMs`, with the CPU the run took. */
export function summariseRun(voice: FakeVoiceServer, guildIds: readonly string[], startMs: number, path: string, cpu: { cpuMs: number; wallMs: number }, dropsBefore: number | undefined): StreamsRun {
  const dropsAfter = voice.udpReceiveDrops();
  const packets = guildIds.map((id) => voice.packets(id).filter((p) => p.arrivalMs >= startMs));
  const perStream = packets.map((list) => analyseArrival(list));
  const perSession = packets.flatMap((list) => [...new Set(list.map((p) => p.ssrc))].map((ssrc) => analyseArrival(list.filter((p) => p.ssrc === ssrc))));
  const cpuPercent = (cpu.cpuMs / cpu.wallMs) * 100;
  return {
    streams: guildIds.length, path, cpuPercent: round1(cpuPercent), cpuPercentPerStream: round1(cpuPercent / guildIds.length),
    maxGapMs: round1(Math.max(...perStream.map((a) => a.maxGapMs))),
    streamsOverGapLimit: perStream.filter((a) => a.maxGapMs > TARGETS.maxGapMs).length,
    gapsOverLimit: perStream.reduce((n, a) => n + a.gapsOver(TARGETS.maxGapMs), 0),
    breaks: perSession.reduce((n, a) => n + a.sequenceBreaks.length + a.timestampBreaks.length, 0),
    reconnects: perSession.length - guildIds.length,
    receiverDrops: dropsBefore === undefined || dropsAfter === undefined ? null : dropsAfter - dropsBefore,
    packets: perStream.reduce((n, a) => n + a.packets, 0), wallS: round1(cpu.wallMs / 1000),
  };
}

const ticksPerSecond = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time of a process (`self`) and of its reaped children (ffmpeg after it exits), in ms, from /proc/<pid>/stat. */
export function processCpuMs(pid: number | 'self'): { selfMs: number; childrenMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name: state is field 3 of stat(5); utime, stime, cutime, cstime are 14-17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ms = (ticks: number): number => (ticks / ticksPerSecond) * 1000;
  return { selfMs: ms(fields[11]! + fields[12]!), childrenMs: ms(fields[13]! + fields[14]!) };
}

/** The process ids below `pid` (children, grandchildren, ...), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, of] of parentOf) if (of === parent) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True when `taskset` (util-linux) can pin processes here. */
export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins the processes (all their threads) to one core; children they start later inherit it. */
export function pinToCore(pids: readonly number[], core: string): void {
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
}
