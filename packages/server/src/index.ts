export { createServer, type ModalflowServer, type ServedModel, type ServerOptions } from './app.ts';
export { ModelQueue, type BatchingOptions, type QueueOptions, type QueueStats } from './model-queue.ts';
export { batchAxis } from './batch-axis.ts';
export { toV2Datatype, fromV2Datatype, type V2Datatype } from './datatypes.ts';
export { HttpError } from './http-error.ts';
