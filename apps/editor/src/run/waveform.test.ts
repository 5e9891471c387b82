import { describe, expect, it } from 'vitest';
import { waveformColumns } from './waveform.ts';

describe('waveformColumns', () => {
  it('keeps the extremes of each column, single-sample spikes included', () => {
    const x = new Float32Array(100);
    x[37] = 0.9;
    x[62] = -0.7;
    const { min, max } = waveformColumns(x, 4);
    expect(Array.from(max)).toEqual([0, Math.fround(0.9), 0, 0]);
    expect(Array.from(min)).toEqual([0, 0, Math.fround(-0.7), 0]);
  });

  it('draws a clip shorter than the canvas without gaps', () => {
    const { min, max } = waveformColumns(Float32Array.of(-1, 1), 4);
    expect(Array.from(min)).toEqual([-1, -1, 1, 1]);
    expect(Array.from(max)).toEqual([-1, -1, 1, 1]);
  });
});
