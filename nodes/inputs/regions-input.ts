import { defineNode, int, tensor, type Dim } from '@modalflow/core';
import { batchDim, batchParam } from './batch.ts';

/**
 * Pre-extracted detector regions, the visual input of ViLBERT, LXMERT and UNITER:
 * `features` float32 [B, N, F] (Faster R-CNN pooled features, F = 2048, N = 36 in the
 * bottom-up-attention setup) and `boxes` float32 [B, N, 4] in pixel corners (x1, y1, x2, y2).
 */
export default defineNode({
  type: 'input.regions',
  version: 1,
  category: 'inputs',
  title: 'Region features',
  doc: 'Image regions found beforehand by an object detector (Faster R-CNN, "bottom-up attention"), as ViLBERT, LXMERT and UNITER read images: for each of N regions a feature vector (`features`, usually 2048 numbers) and its box in pixels (`boxes`: left x1, top y1, right x2, bottom y2). Each output is fed separately, as `<node>.features` and `<node>.boxes`.',
  formula: 'f \\in \\mathbb{R}^{B \\times N \\times F},\\quad b = (x_1, y_1, x_2, y_2) \\in \\mathbb{R}^{B \\times N \\times 4}',
  source: 'Anderson et al. 2018, bottom-up-attention features (36 x 2048) as used by ViLBERT / LXMERT / UNITER',
  role: 'input',
  inputKind: 'regions',
  inputs: {},
  outputs: {
    features: tensor('float32', ['B', 'N', 'feature_dim'], { description: 'Region features, float32 [B, N, F]' }),
    boxes: tensor('float32', ['B', 'N', 4], { description: 'Region boxes in pixels (x1, y1, x2, y2), float32 [B, N, 4]' }),
  },
  params: {
    num_regions: int({ default: 36, min: 0, description: 'Regions per image (0 = any number)' }),
    feature_dim: int({ default: 2048, min: 1, description: 'Feature width F of each region' }),
    batch: batchParam(),
  },
  // A symbolic count is named after the node, so two region inputs (an image pair) may differ.
  infer: ({ node, params }) => {
    const n: Dim = params.num_regions || `N_${node}`;
    const b = batchDim(params.batch);
    return { features: [b, n, params.feature_dim], boxes: [b, n, 4] };
  },
});
