import { describe, expect, it } from 'vitest';
import { modelDirFile } from './model-dir.ts';

describe('modelDirFile', () => {
  it('maps the layout files of a model folder by name', () => {
    expect(modelDirFile('clip/onnx/text_model.onnx')).toBe('onnx/text_model.onnx');
    expect(modelDirFile('onnx/vision_model.onnx')).toBe('onnx/vision_model.onnx');
    expect(modelDirFile('models\\clip\\onnx\\model.onnx')).toBe('onnx/model.onnx');
    expect(modelDirFile('clip/tokenizer.json')).toBe('tokenizer.json');
    expect(modelDirFile('tokenizer_config.json')).toBe('tokenizer_config.json');
    expect(modelDirFile('a/preprocessor_config.json')).toBe('preprocessor_config.json');
  });

  it('leaves other files to the graph folder', () => {
    expect(modelDirFile('model.onnx')).toBeUndefined();
    expect(modelDirFile('weights/onnx.json')).toBeUndefined();
    expect(modelDirFile('my_tokenizer.json')).toBeUndefined();
    expect(modelDirFile('onnx/text_model.onnx.bak')).toBeUndefined();
  });

  it('picks the variant asked for, else the one the URI names', () => {
    expect(modelDirFile('clip/onnx/text_model.onnx', 'quantized')).toBe('onnx/text_model_quantized.onnx');
    expect(modelDirFile('clip/onnx/text_model_fp16.onnx')).toBe('onnx/text_model_fp16.onnx');
    expect(modelDirFile('clip/onnx/text_model_fp16.onnx', 'q4')).toBe('onnx/text_model_q4.onnx');
    expect(modelDirFile('onnx/model_q4f16.onnx', 'int8')).toBe('onnx/model_int8.onnx');
    expect(modelDirFile('onnx/decoder_model_merged.onnx', 'fp16')).toBe('onnx/decoder_model_merged_fp16.onnx');
  });
});
