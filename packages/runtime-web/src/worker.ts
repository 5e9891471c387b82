import { expose, transfer } from 'comlink';
import { OrtHost } from './host.ts';
import { packReturned, packTensors } from './transfer.ts';
import type { HostApi } from './wire.ts';

const host = new OrtHost();

const api: HostApi = {
  configure: (config) => host.configure(config),
  createSession: (model, request) => host.createSession(model, request),
  async run(id, feeds, fetches, moved) {
    const reply = await host.run(id, feeds, fetches, moved);
    const outputs = reply.outputs ? packTensors(reply.outputs) : undefined;
    const back = packReturned(reply.returned);
    const buffers = new Set([...(outputs?.transfer ?? []), ...back.transfer]);
    return transfer({ ...reply, outputs: outputs?.value }, [...buffers]);
  },
  release: (id) => host.release(id),
  describeProviders: () => host.describeProviders(),
};

expose(api);
