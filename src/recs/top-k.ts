/**
 * A fixed-size min-heap of (score, slot) pairs keeping the `k` largest scores seen.
 * Typed arrays, no allocation per push.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.slots = new Int32Array(Math.max(1, k));
  }

  /** The smallest kept score, or -Infinity while fewer than `k` are kept. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : (this.scores[0] as number);
  }

  /** Offers one pair; kept when among the `k` largest (ties keep the earlier slot). */
  push(score: number, slot: number): void {
    if (this.k <= 0) return;
    const sc = this.scores;
    const sl = this.slots;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, slot, sc[parent] as number, sl[parent] as number)) break;
        sc[i] = sc[parent] as number;
        sl[i] = sl[parent] as number;
        i = parent;
      }
      sc[i] = score;
      sl[i] = slot;
      return;
    }
    if (!worse(sc[0] as number, sl[0] as number, score, slot)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && worse(sc[r] as number, sl[r] as number, sc[l] as number, sl[l] as number) ? r : l;
      if (!worse(sc[c] as number, sl[c] as number, score, slot)) break;
      sc[i] = sc[c] as number;
      sl[i] = sl[c] as number;
      i = c;
    }
    sc[i] = score;
    sl[i] = slot;
  }

  /** The kept pairs, best first (higher score, then lower slot). */
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i] as number, slot: this.slots[i] as number });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/** Whether (sa, ia) ranks below (sb, ib): lower score, or equal score and later slot. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
