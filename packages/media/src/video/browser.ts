import { ALL_FORMATS, BlobSource, Input, VideoSample, VideoSampleSink } from 'mediabunny';
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
 * A frame whose stream leaves its YUV matrix unspecified (most small WebM and MP4 files) is
 * converted to RGB by ffmpeg with BT.601 and by Chromium with BT.709, which moves saturated
 * colours by up to 20 levels: enough to change a small model's answer. Such a frame is given
 * BT.601 (SMPTE 170M) explicitly, with sRGB primaries and transfer so that only the matrix
 * changes, and both routes read the same colours. Frames that name their matrix keep it.
 */
async function withFfmpegMatrix(sample: VideoSample, unspecified: boolean): Promise<VideoSample> {
  const cs = sample.colorSpace;
  // The decoder reports its own guess (BT.709) for an unspecified matrix: the stream says whether it was one.
  if (!unspecified || !sample.format || sample.format.startsWith('RGB') || sample.format.startsWith('BGR')) return sample;
  const data = new Uint8Array(sample.allocationSize());
  const layout = await sample.copyTo(data);
  return new VideoSample(data, {
    format: sample.format,
    // copyTo copies the visible rectangle only.
    codedWidth: sample.visibleRect.width,
    codedHeight: sample.visibleRect.height,
    rotation: sample.rotation,
    flip: sample.flip,
    timestamp: sample.timestamp,
    duration: sample.duration,
    layout,
    colorSpace: { matrix: 'smpte170m', primaries: 'bt709', transfer: 'iec61966-2-1', fullRange: cs.fullRange ?? false },
  });
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
    const unspecified = !(await track.getColorSpace()).matrix;
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
          const tagged = await withFfmpegMatrix(sample, unspecified);
          try {
            tagged.draw(ctx, 0, 0, o.width, o.height);
          } finally {
            if (tagged !== sample) tagged.close();
          }
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
