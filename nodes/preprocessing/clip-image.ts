import {
  ModalflowError, NodeError, asset, choice, defineNode, float, int, string, tensor,
  type AssetLookup, type Dim, type PortSpec, type Tensor,
} from '@modalflow/core';
import { AssetFileError } from '../lib/asset-json.ts';
import { parseChannelValues } from '../lib/image.ts';
import { applyPreprocessorConfig, levelTable, resizedSize, type ImageSteps } from '../lib/image-processor-config.ts';
import { PIL_FILTERS, resizeRgb8, type PilFilter } from '../lib/pil-resample.ts';

const CLIP_MEAN = '0.48145466, 0.4578275, 0.40821073';
const CLIP_STD = '0.26862954, 0.26130258, 0.27577711';
const NUMBERS = '^\\s*[-+0-9.eE]+\\s*(,\\s*[-+0-9.eE]+\\s*)*$';

type Params = { config: string; size: number; resample: PilFilter; crop: number; rescale: number; mean: string; std: string };

const INPUTS = { image: tensor('uint8', ['B', 'H', 'W', 3], { description: 'RGB pixels, uint8 [B, H, W, 3]' }) };
const outputs = (h: Dim, w: Dim): Record<string, PortSpec> => ({
  pixel_values: tensor('float32', ['B', 3, h, w], { description: 'Normalised pixels, float32 [B, 3, crop, crop]' }),
});

function channelValues(text: string, param: 'mean' | 'std'): number[] {
  const v = parseChannelValues(text);
  if (typeof v === 'string') throw new NodeError(`${param} ${v}`, { param });
  if (param === 'std' && v.some((x) => x <= 0)) throw new NodeError('std values must be positive (they divide)', { param });
  return v.length === 1 ? [v[0]!, v[0]!, v[0]!] : v;
}

function fromParams(p: Params): ImageSteps {
  return {
    resize: p.size > 0 ? { shortestEdge: p.size } : null,
    resample: p.resample,
    crop: p.crop > 0 ? { height: p.crop, width: p.crop } : null,
    rescale: p.rescale,
    normalize: { mean: channelValues(p.mean, 'mean'), std: channelValues(p.std, 'std') },
  };
}

/** The steps for these params and config file; undefined while the file is not loaded. */
function steps(p: Params, lookup: AssetLookup): ImageSteps | undefined {
  const base = fromParams(p);
  if (p.config === '') return base;
  const file = lookup(p.config);
  if (!file) return undefined;
  try {
    return applyPreprocessorConfig(file.bytes, base);
  } catch (e) {
    if (!(e instanceof AssetFileError)) throw e;
    throw new NodeError(`asset "${p.config}" ${e.message}`, { param: 'config', code: 'MF_ASSET_INVALID' });
  }
}

/**
 * CLIP image preprocessing as a host step, matching transformers' CLIPImageProcessor:
 *   1. resize so the shorter side is `size` (long side int(size * long / short)) with Pillow's
 *      Image.resize(resample=BICUBIC), reproduced exactly by lib/pil-resample.ts, a port of
 *      Pillow's libImaging/Resample.c: separable, horizontal pass then vertical; Keys' cubic
 *      (a = -0.5) with its support widened by the downscale factor (antialiasing); 22-bit
 *      fixed-point weights; each pass rounded and clamped to uint8
 *   2. centre crop: top = floor((h - crop) / 2), left likewise; zero padding if the crop is
 *      larger (transformers.image_transforms.center_crop)
 *   3. x * rescale (1/255), then (x - mean_c) / std_c, in float32 as numpy does
 * It is a host step, not ONNX ops (preprocess.image), because opset 17's Resize has no
 * antialias (on a 3x downscale it weighs 4 input pixels per axis where PIL weighs 12) and
 * PIL rounds to uint8 between and after its passes; here the resized image equals PIL's
 * byte for byte.
 */
// Only the crop window is resampled, but the filter weights span the whole resized side, and
// without a crop the whole resized picture is the output. A very thin picture (1 x 5000 resized
// to a shorter side of 224 is 224 x 1,120,000) or a huge `size` must fail with a code, not
// exhaust memory.
const MAX_RESIZED_SIDE = 1 << 22;
const MAX_OUTPUT_FLOATS = 1 << 28;

function checkSizes(node: string, [b, h, w]: number[], [rh, rw]: number[], [ch, cw]: number[]): void {
  if (rh! > MAX_RESIZED_SIDE || rw! > MAX_RESIZED_SIDE) {
    throw new ModalflowError('MF_IMAGE_TOO_LARGE', `a ${w} x ${h} picture would be resized to ${rw} x ${rh}, more than ${MAX_RESIZED_SIDE} pixels a side; crop or pad such thin pictures first`, { node, port: 'image' });
  }
  const floats = b! * 3 * ch! * cw!;
  if (floats > MAX_OUTPUT_FLOATS) {
    throw new ModalflowError('MF_IMAGE_TOO_LARGE', `pixel_values would hold ${b} x 3 x ${ch} x ${cw} = ${floats.toLocaleString('en-US')} floats, more than ${MAX_OUTPUT_FLOATS.toLocaleString('en-US')} (1 GiB); set a crop or a smaller size`, { node, port: 'image' });
  }
}

export default defineNode({
  type: 'preprocess.clip_image',
  version: 1,
  category: 'preprocessing',
  title: 'CLIP image preprocessing (exact)',
  // CLIPImageProcessor crops the centre (do_center_crop in every published config).
  views: { centreCrop: true },
  doc: 'Prepares RGB pictures for a CLIP-style vision encoder exactly as Hugging Face\'s CLIPImageProcessor does, so a pretrained model sees the pixels it was trained on. Each image is resized so its shorter side is `size` pixels with Pillow\'s bicubic filter (which blurs slightly when shrinking, to avoid aliasing), the central `crop` x `crop` square is cut out, values are scaled from 0..255 to 0..1 and each colour channel is normalised with a mean and standard deviation. Give the model\'s `preprocessor_config.json` to take all settings from it. Runs on the CPU before the model; it takes a few milliseconds per photo.',
  formula: 'y_c = \\frac{\\mathrm{crop}(\\mathrm{PIL\\,resize}(x))_c \\cdot r - \\mu_c}{\\sigma_c}',
  source: 'transformers CLIPImageProcessor (resize, center_crop, rescale, normalize); Pillow libImaging/Resample.c',
  inputs: INPUTS,
  outputs: outputs('S', 'S'),
  params: {
    config: asset({ default: '', accept: ['preprocessor_config.json'], description: 'Optional preprocessor_config.json; the settings it has override the params below' }),
    size: int({ default: 224, min: 0, max: 16384, description: 'Shorter side after resizing, in pixels (0 = no resize)' }),
    resample: choice(PIL_FILTERS, { default: 'bicubic', description: 'Pillow filter (CLIP: bicubic)' }),
    crop: int({ default: 224, min: 0, max: 16384, description: 'Side of the centre square kept (0 = no crop)' }),
    rescale: float({ default: 1 / 255, min: 0, description: 'Factor applied to pixel values before normalising (1/255 maps 0..255 to 0..1)' }),
    mean: string({ default: CLIP_MEAN, pattern: NUMBERS, description: 'Per-channel mean (R, G, B), or one value for all' }),
    std: string({ default: CLIP_STD, pattern: NUMBERS, description: 'Per-channel standard deviation (R, G, B), or one value for all' }),
  },
  ports: ({ node, params, asset: lookup }) => {
    const s = steps(params, lookup);
    if (!s) return { inputs: INPUTS, outputs: outputs(`Hc_${node}`, `Wc_${node}`) };
    if (s.crop) return { inputs: INPUTS, outputs: outputs(s.crop.height, s.crop.width) };
    if (s.resize && 'height' in s.resize) return { inputs: INPUTS, outputs: outputs(s.resize.height, s.resize.width) };
    return { inputs: INPUTS, outputs: s.resize ? outputs(`Hr_${node}`, `Wr_${node}`) : outputs('H', 'W') };
  },
  flops: ({ inputs, outputs: out, size }) => {
    const [b, h, w] = inputs['image']!.map(size) as [number, number, number];
    const px = out['pixel_values']!.map(size).reduce((a, v) => a * v, 1);
    // Two separable passes of about 2 * support taps each, per channel, on the input scale.
    return b * h * w * 3 * 2 * 8 + px;
  },
  host: (inputs, { node, params, asset: lookup }) => {
    const image = inputs['image'];
    if (!image || image.dtype !== 'uint8' || image.dims.length !== 4 || image.dims[3] !== 3) {
      throw new ModalflowError('MF_HOST_INPUT', `input "image" must be uint8 [B, H, W, 3], got ${image ? `${image.dtype} [${image.dims.join(', ')}]` : 'nothing'}`, { node, port: 'image' });
    }
    let s: ImageSteps | undefined;
    try {
      s = steps(params, lookup);
    } catch (e) {
      if (e instanceof NodeError) throw new ModalflowError((e as { code?: string }).code ?? 'MF_PARAM_RANGE', e.message, { node, param: e.param });
      throw e;
    }
    if (!s) throw new ModalflowError('MF_ASSET_NOT_LOADED', `asset "${params.config}" was not loaded`, { node, param: 'config' });
    const [b, h, w] = image.dims as [number, number, number];
    const [rh, rw] = resizedSize(s, h, w);
    const [ch, cw] = s.crop ? [s.crop.height, s.crop.width] : [rh, rw];
    checkSizes(node, [b, h, w], [rh, rw], [ch, cw]);
    const top = Math.floor((rh - ch) / 2);
    const left = Math.floor((rw - cw) / 2);
    // The part of the crop that lies on the resized image; the rest is padding.
    const y0 = Math.max(0, top);
    const x0 = Math.max(0, left);
    const win = { top: y0, left: x0, height: Math.max(0, Math.min(rh, top + ch) - y0), width: Math.max(0, Math.min(rw, left + cw) - x0) };
    const table = levelTable(s);
    const data = image.data as Uint8Array;
    const out = new Float32Array(b * 3 * ch * cw);
    const plane = ch * cw;
    for (let n = 0; n < b; n++) {
      const part = resizeRgb8(data.subarray(n * h * w * 3, (n + 1) * h * w * 3), h, w, rh, rw, s.resample, win);
      const base = n * 3 * plane;
      for (let y = 0; y < ch; y++) {
        const py = y + top - y0;
        for (let x = 0; x < cw; x++) {
          const px = x + left - x0;
          const o = base + y * cw + x;
          if (py < 0 || py >= win.height || px < 0 || px >= win.width) {
            for (let c = 0; c < 3; c++) out[o + c * plane] = table[c * 256]!;
            continue;
          }
          const p = (py * win.width + px) * 3;
          out[o] = table[part[p]!]!;
          out[o + plane] = table[256 + part[p + 1]!]!;
          out[o + 2 * plane] = table[512 + part[p + 2]!]!;
        }
      }
    }
    return { pixel_values: { dtype: 'float32', dims: [b, 3, ch, cw], data: out } satisfies Tensor };
  },
});
