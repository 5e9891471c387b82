import { ALL_FORMATS, BlobSource, Input, VideoSampleSink } from 'mediabunny';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { sampleFrameIndices, type FrameSampling } from './sample.ts';

export interface BrowserVideoOptions extends FrameSampling {
  height: number;
  width: number;
}

export interface BrowserVideoFrames {
  frames: Tensor;
  indices: number[];
  probe: { codec: string; frames: number; rate: number; width: number; height: number };
}

/**
 * Decodes the sampled frames of one clip in the browser, as RGB uint8 [F, H, W, 3], choosing
 * frames exactly as readVideoFrames does in Node: the clip's frame count is its packet count
 * (ffprobe -count_packets), its rate the average packet rate, and frame n is the n-th decoded
 * frame, never a seek target, so both routes pick the same pictures. mediabunny demuxes the
 * container and WebCodecs decodes; each chosen frame is drawn (bilinear) onto a canvas of
 * height x width.
 */
export async function decodeVideoFrames(file: Blob, o: BrowserVideoOptions, name = 'video'): Promise<BrowserVideoFrames> {
  if (file.size === 0) throw new ModalflowError('MF_VIDEO_EMPTY', `"${name}" is empty (0 bytes)`, { file: name });
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    let track;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch (e) {
      throw new ModalflowError('MF_VIDEO_CORRUPT', `"${name}" is not a readable video (${(e as Error).message})`, { file: name });
    }
    if (!track) {
      // No stream at all is a file cut off before its track list (ffmpeg calls it corrupt too);
      // other streams without a video one is a sound file given as video.
      const kinds = (await input.getTracks()).map((t) => t.type);
      if (!kinds.length) throw new ModalflowError('MF_VIDEO_CORRUPT', `"${name}" is not a readable video: no stream could be read (cut off or damaged)`, { file: name });
      throw new ModalflowError('MF_VIDEO_UNSUPPORTED', `"${name}" holds no video stream (${kinds.join(', ')})`, { file: name });
    }
    if (!track.codec || !(await track.canDecode())) {
      throw new ModalflowError('MF_VIDEO_UNSUPPORTED', `"${name}": its video codec (${track.codec ?? 'unknown'}) cannot be decoded by this browser`, { file: name });
    }
    const stats = await track.computePacketStats();
    if (!(stats.packetCount > 0)) throw new ModalflowError('MF_VIDEO_EMPTY', `"${name}" holds no frames (a zero-length clip)`, { file: name });
    const indices = sampleFrameIndices(stats.packetCount, stats.averagePacketRate, o);
    const wanted = new Set(indices);
    const last = Math.max(...indices);
    const canvas = new OffscreenCanvas(o.width, o.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'low';
    const size = o.height * o.width * 3;
    const decoded = new Map<number, Uint8Array>();
    let n = 0;
    for await (const sample of new VideoSampleSink(track).samples()) {
      try {
        if (wanted.has(n)) {
          ctx.clearRect(0, 0, o.width, o.height);
          sample.draw(ctx, 0, 0, o.width, o.height);
          const rgba = ctx.getImageData(0, 0, o.width, o.height).data;
          const rgb = new Uint8Array(size);
          for (let p = 0, q = 0; q < size; p += 4, q += 3) {
            rgb[q] = rgba[p]!;
            rgb[q + 1] = rgba[p + 1]!;
            rgb[q + 2] = rgba[p + 2]!;
          }
          decoded.set(n, rgb);
        }
      } finally {
        sample.close();
      }
      n++;
      if (n > last) break;
    }
    if (decoded.size < wanted.size) {
      throw new ModalflowError('MF_VIDEO_CORRUPT', `"${name}": ${stats.packetCount} frames were declared but only ${n} could be decoded, not frame ${last}`, { file: name });
    }
    const data = new Uint8Array(indices.length * size);
    indices.forEach((k, i) => data.set(decoded.get(k)!, i * size));
    return {
      frames: { dtype: 'uint8', dims: [indices.length, o.height, o.width, 3], data },
      indices,
      probe: { codec: track.codec, frames: stats.packetCount, rate: stats.averagePacketRate, width: track.displayWidth, height: track.displayHeight },
    };
  } finally {
    input.dispose();
  }
}
