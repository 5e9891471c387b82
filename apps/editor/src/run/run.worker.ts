/// <reference lib="webworker" />
import { createRegistry } from '@modalflow/nodes';
import { serveProgramWorker } from '@modalflow/runtime-web/program-worker';

// The whole run lives here: the engine, its host steps (tokenizers, image preprocessing, label
// mapping) and onnxruntime-web with its sessions and WebGPU device, kept warm between runs.
serveProgramWorker({ registry: createRegistry() });
