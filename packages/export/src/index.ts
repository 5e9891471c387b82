export { exportTriton, type TritonExport, type TritonExportOptions } from './triton/export.ts';
export { parsePbtxt, writePbtxt, modelConfigType, EnumValue } from './triton/pbtxt.ts';
