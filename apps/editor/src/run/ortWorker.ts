/**
 * Starts runtime-web's worker here rather than letting createWebRuntime() start it, so Cancel
 * can end a run that is inside onnxruntime: closing the runtime would first wait for that run
 * to finish, while terminating the worker stops it at once. The URL is the package's worker
 * entry, which its README names for apps that pass their own worker; Vite bundles it the same.
 */
export function startOrtWorker(): Worker {
  return new Worker(new URL('../../../../packages/runtime-web/src/worker.ts', import.meta.url), { type: 'module', name: 'modalflow-onnxruntime' });
}
