import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_NOTICE, IDLE_NOTICE, LeaveTimers } from './leave-timers.js';

const options = { idleTimeoutMs: 1000, emptyTimeoutMs: 500 };

describe('LeaveTimers', () => {
  let left: string[];
  let timers: LeaveTimers;
  beforeEach(() => {
    vi.useFakeTimers();
    left = [];
    timers = new LeaveTimers(options, (notice) => left.push(notice));
  });
  afterEach(() => vi.useRealTimers());

  it('leaves after the idle timeout unless a track starts first', () => {
    timers.idle();
    vi.advanceTimersByTime(999);
    timers.playing();
    vi.advanceTimersByTime(5000);
    expect(left).toEqual([]);
    timers.idle();
    vi.advanceTimersByTime(1000);
    expect(left).toEqual([IDLE_NOTICE]);
  });

  it('leaves an emptied channel after the grace period, not when someone came back', () => {
    timers.channelEmpty(true);
    vi.advanceTimersByTime(400);
    timers.channelEmpty(false);
    vi.advanceTimersByTime(5000);
    expect(left).toEqual([]);
    timers.channelEmpty(true);
    vi.advanceTimersByTime(500);
    expect(left).toEqual([EMPTY_NOTICE]);
  });

  it('leaves nothing pending once cleared', () => {
    timers.idle();
    timers.channelEmpty(true);
    timers.clear();
    vi.advanceTimersByTime(10_000);
    expect(left).toEqual([]);
  });
});
