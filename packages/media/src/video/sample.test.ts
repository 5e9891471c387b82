import { describe, expect, it } from 'vitest';
import { sampleFrameIndices } from './sample.ts';

describe('sampleFrameIndices', () => {
  it('spreads F frames as numpy.linspace(0, n - 1, F).astype(int)', () => {
    // numpy: np.linspace(0, 19, 8).astype(int) -> [0 2 5 8 10 13 16 19]
    expect(sampleFrameIndices(20, 10, { frames: 8, fps: 0 })).toEqual([0, 2, 5, 8, 10, 13, 16, 19]);
    expect(sampleFrameIndices(20, 10, { frames: 1, fps: 0 })).toEqual([0]);
    expect(sampleFrameIndices(3, 10, { frames: 5, fps: 0 })).toEqual([0, 0, 1, 1, 2]);
  });

  it('takes the frame on screen every 1/r seconds and repeats the last one past the end', () => {
    expect(sampleFrameIndices(20, 10, { frames: 4, fps: 2 })).toEqual([0, 5, 10, 15]);
    expect(sampleFrameIndices(20, 10, { frames: 6, fps: 4 })).toEqual([0, 2, 5, 7, 10, 12]);
    expect(sampleFrameIndices(20, 10, { frames: 6, fps: 1 })).toEqual([0, 10, 19, 19, 19, 19]);
    expect(sampleFrameIndices(30, 29.97, { frames: 3, fps: 1 })).toEqual([0, 29, 29]);
  });

  it('refuses a zero-length clip', () => {
    expect(() => sampleFrameIndices(0, 10, { frames: 4, fps: 0 })).toThrow(/MF_VIDEO_EMPTY/);
  });
});
