// The runner owns onnxruntime's worker so Cancel can terminate it mid-run; runtime-web starts it.
export { startOrtWorker } from '@modalflow/runtime-web';
