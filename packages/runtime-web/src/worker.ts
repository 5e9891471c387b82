import { expose, transfer } from 'comlink';
import { OrtHost } from './host.ts';
import { packReturned, packTensors } from './transfer.ts';
import type { HostApi } from './wire.ts';

const host = new OrtHost();

const api: HostApi = {
  configure: (config) => host.configure(config),
  createSession: (model, request) => host.createSession(model, request),
  async run(id, feeds, fetches, moved, held, keep) {
    const reply = await host.run(id, feeds, fetches, moved, held, keep);
    const outputs = reply.outputs ? packTensors(reply.outputs) : undefined;
    const back = packReturned(reply.returned);
    const buffers = new Set([...(outputs?.transfer ?? []), ...back.transfer]);
    return transfer({ ...reply, outputs: outputs?.value }, [...buffers]);
  },
  release: (id) => host.release(id),
  upload: (t) => host.upload(t),
  async download(ref) {
    const reply = await host.download(ref);
    if (!reply.ok) return reply;
    // The host made this copy for the page alone, so its memory moves instead of being cloned.
    const packed = packTensors({ value: reply.value });
    return transfer({ ok: true as const, value: packed.value.value! }, packed.transfer);
  },
  releaseResident: (refs) => host.releaseResident(refs),
  describeProviders: () => host.describeProviders(),
};

expose(api);
