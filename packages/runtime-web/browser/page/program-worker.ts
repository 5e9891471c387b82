// The harness's program worker: the node library's host steps, then the engine and
// onnxruntime-web, all in this worker.
import { createRegistry } from '@modalflow/nodes';
import { serveProgramWorker } from '../../src/program-worker.ts';

serveProgramWorker({ registry: createRegistry() });
