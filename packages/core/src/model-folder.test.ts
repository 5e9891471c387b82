import { describe, expect, it } from 'vitest';
import { modelFolderFile } from './model-folder.ts';

describe('modelFolderFile', () => {
  it('maps layout URIs to folder files, choosing a precision by suffix', () => {
    expect(modelFolderFile('onnx/text_model.onnx')).toBe('onnx/text_model.onnx');
    expect(modelFolderFile('models/clip/onnx/vision_model_fp16.onnx')).toBe('onnx/vision_model_fp16.onnx');
    expect(modelFolderFile('onnx/vision_model_fp16.onnx', 'quantized')).toBe('onnx/vision_model_quantized.onnx');
    expect(modelFolderFile('./tokenizer.json')).toBe('tokenizer.json');
    expect(modelFolderFile('weights/model.onnx')).toBeUndefined();
    expect(modelFolderFile('vocab.txt')).toBeUndefined();
  });
});
