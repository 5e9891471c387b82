import { NodeError, defineNode, float, int, string, tensor, type Dim } from '@modalflow/core';
import { batchDim } from './batch.ts';

/**
 * Frames sampled from a video file, every clip's frames one after another: uint8
 * [N, H, W, 3] with N = clips x frames, so they flow into image preprocessing and image
 * encoders as a batch of pictures (as CLIP4Clip reshapes [B, F, ...] to [B*F, ...]); temporal
 * nodes fold N back into [B, F, D].
 * Which frames: with fps 0, frame floor(k (n - 1) / (F - 1)) for k = 0..F-1 of the n decoded
 * frames (numpy.linspace(0, n - 1, F).astype(int), CLIP4Clip's uniform sampling); with fps r,
 * the frame shown at t = k / r, floor(t * rate), for k = 0..F-1, repeating the last frame
 * where the clip ends first.
 */
export default defineNode({
  type: 'input.video',
  version: 1,
  category: 'inputs',
  title: 'Video input',
  doc: 'A video clip given at run time (a file from the command line or dropped on the run panel). `frames` pictures are taken from it: spread evenly over the whole clip, or, with `fps` set, that many per second from the start. They arrive as RGB pixels scaled to `height` x `width`, one picture after another: with 2 clips of 8 frames the output holds 16 pictures. Connect it to *Image preprocessing* and an image encoder, then to *Temporal pooling* with the same `frames`, which turns the 16 picture vectors back into 2 clip vectors.',
  formula: 'i_k = \\lfloor k (n-1)/(F-1) \\rfloor \\ \\text{or}\\ \\lfloor (k / r) \\cdot \\text{rate} \\rfloor',
  source: 'CLIP4Clip rawvideo_util (uniform frame sampling); frames decoded by ffmpeg (Node) or mediabunny and WebCodecs (browser)',
  role: 'input',
  inputKind: 'video',
  inputs: {},
  outputs: { frames: tensor('uint8', ['N', 'height', 'width', 3], { description: 'RGB frames, uint8 [clips x frames, H, W, 3]' }) },
  params: {
    frames: int({ default: 8, min: 1, max: 1024, description: 'Frames taken from each clip' }),
    fps: float({ default: 0, min: 0, max: 240, description: 'Frames per second from the start (0 = spread over the whole clip)' }),
    height: int({ default: 224, min: 1, max: 4096, description: 'Frame height after scaling' }),
    width: int({ default: 224, min: 1, max: 4096, description: 'Frame width after scaling' }),
    batch: string({
      default: 'N',
      pattern: '^([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)$',
      description: 'Name of the frame axis (clips x frames), or a fixed number',
    }),
  },
  media: (p) => ({ frames: p.frames, fps: p.fps, height: p.height, width: p.width }),
  infer: ({ params }) => {
    const n: Dim = batchDim(params.batch);
    if (typeof n === 'number' && n % params.frames !== 0) throw new NodeError(`a fixed batch of ${n} pictures is not a whole number of ${params.frames}-frame clips`, { param: 'batch' });
    return { frames: [n, params.height, params.width, 3] };
  },
});
