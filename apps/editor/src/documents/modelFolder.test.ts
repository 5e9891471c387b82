import { describe, expect, it } from 'vitest';
import { emptyGraph, type GraphDoc } from '@modalflow/core';
import { bindFolder, folderFile, folderPaths, folderVariants } from './modelFolder.ts';

const doc: GraphDoc = {
  ...emptyGraph('zero-shot'),
  assets: {
    vision_model: { uri: 'onnx/vision_model.onnx' },
    text_model: { uri: 'models/clip/onnx/text_model.onnx' },
    tokenizer: { uri: 'tokenizer.json' },
    preprocessor: { uri: 'preprocessor_config.json' },
    weights: { uri: 'extra/weights.bin' },
  },
};

const folder = [
  'onnx/vision_model.onnx', 'onnx/text_model.onnx', 'onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx',
  'onnx/vision_model_fp16.onnx', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'config.json',
];

describe('model folders', () => {
  it('maps asset URIs onto the layout, with a precision suffix when asked', () => {
    expect(folderFile('onnx/vision_model.onnx')).toBe('onnx/vision_model.onnx');
    expect(folderFile('a/b/onnx/text_model_fp16.onnx')).toBe('onnx/text_model_fp16.onnx');
    expect(folderFile('onnx/text_model_fp16.onnx', 'quantized')).toBe('onnx/text_model_quantized.onnx');
    expect(folderFile('onnx/vision_model.onnx', 'q4')).toBe('onnx/vision_model_q4.onnx');
    expect(folderFile('some/dir/tokenizer.json')).toBe('tokenizer.json');
    expect(folderFile('model.onnx')).toBeUndefined();
    expect(folderFile('extra/weights.bin')).toBeUndefined();
  });

  it('strips the folder’s own name that a directory input puts in front of every path', () => {
    expect(folderPaths(['clip/onnx/a.onnx', 'clip/tokenizer.json'])).toEqual(['onnx/a.onnx', 'tokenizer.json']);
    expect(folderPaths(['onnx/a.onnx', 'tokenizer.json'])).toEqual(['onnx/a.onnx', 'tokenizer.json']);
  });

  it('offers only the precisions every model of the graph has', () => {
    expect(folderVariants(doc, folder)).toEqual(['quantized']);
    expect(folderVariants({ ...doc, assets: { t: { uri: 'tokenizer.json' } } }, folder)).toEqual([]);
  });

  it('binds each asset of the layout to its file and lists those the folder lacks', () => {
    expect(bindFolder(doc, folder)).toEqual({
      bound: [
        { asset: 'vision_model', path: 'onnx/vision_model.onnx' },
        { asset: 'text_model', path: 'onnx/text_model.onnx' },
        { asset: 'tokenizer', path: 'tokenizer.json' },
        { asset: 'preprocessor', path: 'preprocessor_config.json' },
      ],
      missing: [],
    });
    const fp16 = bindFolder(doc, folder, 'fp16');
    expect(fp16.bound.map((b) => b.path)).toEqual(['onnx/vision_model_fp16.onnx', 'tokenizer.json', 'preprocessor_config.json']);
    expect(fp16.missing).toEqual([{ asset: 'text_model', path: 'onnx/text_model_fp16.onnx' }]);
  });
});
