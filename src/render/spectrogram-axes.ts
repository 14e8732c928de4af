/** One tick of an axis: its pixel offset along the axis and its label. */
export interface Tick {
  offsetPx: number;
  label: string;
}

const TIME_STEPS_S = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

function formatTime(t: number, stepS: number, useMinutes: boolean): string {
  if (useMinutes) {
    const total = Math.round(t);
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
  }
  return `${t.toFixed(stepS < 0.1 ? 2 : stepS < 1 ? 1 : 0)}s`;
}

/**
 * Time ticks for a `durationS`-long axis `lengthPx` wide, at least `minSpacingPx` apart, on a
 * round step. Labels are seconds (`5s`) below two minutes and `m:ss` above.
 */
export function timeTicks(durationS: number, lengthPx: number, minSpacingPx = 70): Tick[] {
  if (!(durationS > 0)) return [{ offsetPx: 0, label: '0s' }];
  const maxTicks = Math.max(1, Math.floor(lengthPx / minSpacingPx));
  const step = TIME_STEPS_S.find((s) => durationS / s <= maxTicks) ?? Math.ceil(durationS / maxTicks / 3600) * 3600;
  const useMinutes = durationS >= 120;
  const ticks: Tick[] = [];
  for (let i = 0; i * step <= durationS + 1e-9; i++) {
    const t = i * step;
    ticks.push({ offsetPx: (t / durationS) * lengthPx, label: formatTime(t, step, useMinutes) });
  }
  return ticks;
}

/** Hz to mel on the Slaney scale (librosa's default, `htk=False`). */
export function hzToMelSlaney(hz: number): number {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  if (hz < minLogHz) return hz / fSp;
  return minLogHz / fSp + Math.log(hz / minLogHz) / (Math.log(6.4) / 27);
}

const FREQ_CANDIDATES_HZ = [125, 250, 500, 1000, 2000, 4000, 8000, 16000];

function formatHz(hz: number): string {
  return hz >= 1000 ? `${Number((hz / 1000).toFixed(1))}k` : String(hz);
}

/**
 * Frequency ticks for a mel axis `heightPx` tall measured upward from its bottom edge, for
 * `nMels` bands spanning 0 Hz to `sampleRateHz / 2` (librosa's defaults). Ticks closer than
 * `minSpacingPx` to the previous one are skipped.
 */
export function melFrequencyTicks(nMels: number, sampleRateHz: number, heightPx: number, minSpacingPx = 16): Tick[] {
  const fMaxHz = sampleRateHz / 2;
  const melMax = hzToMelSlaney(fMaxHz);
  const ticks: Tick[] = [];
  let last = -Infinity;
  for (const hz of FREQ_CANDIDATES_HZ) {
    if (hz >= fMaxHz) break;
    // librosa places nMels + 2 equally spaced mel points; band k is centred on point k + 1.
    const band = (hzToMelSlaney(hz) / melMax) * (nMels + 1) - 1;
    const offsetPx = ((band + 0.5) / nMels) * heightPx;
    if (offsetPx < 0 || offsetPx > heightPx || offsetPx - last < minSpacingPx) continue;
    ticks.push({ offsetPx, label: formatHz(hz) });
    last = offsetPx;
  }
  return ticks;
}
