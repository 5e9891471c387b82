import { describe, expect, it } from 'vitest';
import { checkDocumentUri } from './assets.ts';

describe('checkDocumentUri', () => {
  it('keeps paths inside the graph folder', () => {
    expect(checkDocumentUri('weights.safetensors')).toBeNull();
    expect(checkDocumentUri('onnx/../onnx/model.onnx')).toBeNull();
    expect(checkDocumentUri('../secret')).toMatch(/escapes/);
    expect(checkDocumentUri('a/../../b')).toMatch(/escapes/);
    expect(checkDocumentUri('/etc/passwd')).toMatch(/absolute/);
    expect(checkDocumentUri('C:\\x')).toMatch(/absolute|scheme/);
    expect(checkDocumentUri('https://example.com/m.onnx')).toMatch(/scheme/);
    expect(checkDocumentUri('file:///etc/passwd')).toMatch(/scheme/);
  });
});
