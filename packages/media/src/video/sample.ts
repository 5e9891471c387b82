import { ModalflowError } from '@modalflow/core';

export interface FrameSampling {
  /** Frames per clip. */
  frames: number;
  /** 0: spread over the whole clip; r > 0: r frames per second from the start. */
  fps: number;
}

/**
 * Indices of the decoded frames a clip contributes, in order (possibly repeated):
 * - fps 0: floor(k (n - 1) / (F - 1)), k = 0..F-1, which is
 *   numpy.linspace(0, n - 1, F).astype(int), CLIP4Clip's uniform sampling (frame 0 alone when F = 1);
 * - fps r: the frame on screen at t = k / r, floor(k * rate / r), kept below n, so a clip that
 *   ends early repeats its last frame.
 * `n` is the number of frames, `rate` the clip's frame rate in frames per second.
 */
export function sampleFrameIndices(n: number, rate: number, s: FrameSampling): number[] {
  if (n <= 0) throw new ModalflowError('MF_VIDEO_EMPTY', 'the clip has no frames (a zero-length clip)');
  if (s.fps > 0) {
    if (!(rate > 0)) throw new ModalflowError('MF_VIDEO_CORRUPT', 'the clip declares no frame rate, so frames cannot be taken per second');
    return Array.from({ length: s.frames }, (_, k) => Math.min(n - 1, Math.floor((k * rate) / s.fps + 1e-9)));
  }
  if (s.frames === 1) return [0];
  return Array.from({ length: s.frames }, (_, k) => Math.floor((k * (n - 1)) / (s.frames - 1)));
}
