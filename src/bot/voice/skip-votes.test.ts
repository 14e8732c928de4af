import { describe, expect, it } from 'vitest';
import { isDj } from './dj.js';
import { SkipVotes, votesNeeded } from './skip-votes.js';

describe('votesNeeded', () => {
  it('is a strict majority of the listeners', () => {
    expect([1, 2, 3, 4, 5, 6].map(votesNeeded)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(votesNeeded(0)).toBe(1);
  });
});

describe('SkipVotes', () => {
  it('passes once a majority of the people in the channel voted; a repeat vote counts once', () => {
    const votes = new SkipVotes();
    const channel = ['a', 'b', 'c', 'd'];
    expect(votes.vote('t#1', 'a', channel)).toMatchObject({ passed: false, votes: 1, needed: 3, counted: true });
    expect(votes.vote('t#1', 'a', channel)).toMatchObject({ passed: false, votes: 1, counted: false });
    expect(votes.vote('t#1', 'b', channel)).toMatchObject({ passed: false, votes: 2 });
    const third = votes.vote('t#1', 'c', channel);
    expect(third).toMatchObject({ passed: true, votes: 3, needed: 3 });
    expect(third.voters.sort()).toEqual(['a', 'b', 'c']);
  });

  it('starts over on the next track and ignores voters who left', () => {
    const votes = new SkipVotes();
    votes.vote('t#1', 'a', ['a', 'b', 'c']);
    expect(votes.vote('t#2', 'b', ['a', 'b', 'c'])).toMatchObject({ votes: 1, passed: false });
    // a voted on t#1 only; on t#2 b's vote plus c leaving: 1 of 2 listeners is not a majority.
    expect(votes.vote('t#2', 'b', ['a', 'b'])).toMatchObject({ votes: 1, needed: 2, passed: false });
    // b alone left in the channel: 1 of 1 passes.
    expect(votes.vote('t#2', 'b', ['b'])).toMatchObject({ votes: 1, needed: 1, passed: true });
    // a voted, then left: their vote no longer counts.
    votes.vote('t#3', 'a', ['a', 'b', 'c']);
    expect(votes.vote('t#3', 'b', ['b', 'c'])).toMatchObject({ votes: 1, needed: 2, passed: false });
  });
});

describe('isDj', () => {
  it('lets everyone control playback without a DJ role; with one, its holders and Manage Server', () => {
    expect(isDj({ djRoleId: undefined, memberRoleIds: [], managesServer: false })).toBe(true);
    expect(isDj({ djRoleId: '42', memberRoleIds: ['7'], managesServer: false })).toBe(false);
    expect(isDj({ djRoleId: '42', memberRoleIds: ['7', '42'], managesServer: false })).toBe(true);
    expect(isDj({ djRoleId: '42', memberRoleIds: [], managesServer: true })).toBe(true);
  });
});
