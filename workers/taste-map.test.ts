import type { SandboxedJob } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { pngSize } from '../test/e2e/members.js';
import tasteMap, { principalPlane } from './taste-map.js';

describe('taste-map processor', () => {
  it('puts two clusters apart on the principal plane', () => {
    const near = (axis: number, k: number): number[] => Array.from({ length: 8 }, (_, j) => (j === axis ? 1 : 0) + 0.01 * Math.sin(k * 3 + j));
    const plane = principalPlane([near(0, 1), near(0, 2), near(0, 3), near(5, 1), near(5, 2), near(5, 3)]);
    const gap = Math.hypot(plane[0]!.x - plane[3]!.x, plane[0]!.y - plane[3]!.y);
    const spread = Math.hypot(plane[0]!.x - plane[1]!.x, plane[0]!.y - plane[1]!.y);
    expect(gap).toBeGreaterThan(20 * spread);
  });

  it('draws a PNG and refuses an invalid payload', async () => {
    const tracks = [0, 1, 2, 3].map((i) => ({ embedding: [Math.cos(i), Math.sin(i), 0.1 * i], genre: i < 2 ? 'jazz' : 'metal', liked: i === 0 }));
    const result = await tasteMap({ data: { title: 'test', tracks } } as unknown as SandboxedJob);
    expect(pngSize(Buffer.from(result.pngBase64, 'base64')).width).toBeGreaterThan(400);
    await expect(tasteMap({ data: { title: 'test', tracks: [] } } as unknown as SandboxedJob)).rejects.toThrow(/invalid taste-map job/);
  });
});
