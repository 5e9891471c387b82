export { exportTriton, type TritonExport, type TritonExportOptions } from './triton/export.ts';
export { parsePbtxt, writePbtxt, modelConfigType, EnumValue } from './triton/pbtxt.ts';
export { exportPytorch, type PytorchExport } from './pytorch/export.ts';
