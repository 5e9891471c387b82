import { defineNode, int, tensor, type Dim } from '@modalflow/core';
import { batchDim, batchParam } from './batch.ts';

/**
 * Decoded RGB pixels, as the command line and the browser produce them from PNG or JPEG:
 * uint8 [B, H, W, 3], channels last, values 0..255, alpha dropped.
 * With height/width 0 the sizes stay symbolic and are named after the node (`H_<id>`,
 * `W_<id>`), because the engine requires one symbol to have one size across all inputs and two
 * image inputs of one graph (an image pair) may well differ in size. The batch is `B` unless
 * `batch` names another axis (or fixes a number), so images and texts can come in different numbers.
 */
export default defineNode({
  type: 'input.image',
  version: 1,
  category: 'inputs',
  title: 'Image input',
  doc: 'An image given at run time (PNG or JPEG from the command line, a picture dropped on the run panel). It arrives as raw RGB pixels: whole numbers 0 to 255, laid out as [batch, height, width, 3 colours]. Connect it to *Image preprocessing* to get the normalised [batch, 3, size, size] pixels a vision encoder expects. Leave height and width at 0 to accept any size. Give `batch` a name of its own (for example N) when the images and the texts of a graph come in different numbers.',
  formula: 'x \\in \\{0,\\dots,255\\}^{B \\times H \\times W \\times 3}',
  source: 'PNG/JPEG decoded to RGB (as PIL.Image.convert("RGB") then numpy.asarray)',
  role: 'input',
  inputKind: 'image',
  inputs: {},
  outputs: { pixels: tensor('uint8', ['B', 'H', 'W', 3], { description: 'RGB pixels, uint8 [B, H, W, 3]' }) },
  params: {
    height: int({ default: 0, min: 0, description: 'Expected image height in pixels (0 = any height)' }),
    width: int({ default: 0, min: 0, description: 'Expected image width in pixels (0 = any width)' }),
    batch: batchParam(),
  },
  infer: ({ node, params }) => {
    const h: Dim = params.height || `H_${node}`;
    const w: Dim = params.width || `W_${node}`;
    return { pixels: [batchDim(params.batch), h, w, 3] };
  },
});
