import { transfer, wrap, releaseProxy, type Remote } from 'comlink';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { emptyTraffic, packFeeds, packModel, reattach, tensorBytes } from './transfer.ts';
import { fromWire, unwrap, type HostApi, type HostConfig, type Reply, type ResidentInfo, type RunReply, type SessionInfo } from './wire.ts';
import type { Link } from './link.ts';

function isDataCloneError(e: unknown): boolean {
  return (e as { name?: string } | null)?.name === 'DataCloneError';
}

/**
 * The host in a dedicated worker behind comlink. Feeds and model bytes move rather than copy;
 * a worker that dies (failed to load, out of memory) rejects every pending call, since comlink
 * alone would leave them waiting forever.
 */
export function workerLink(worker: Worker, config: HostConfig, modelBytes: 'transfer' | 'copy'): Link {
  const remote: Remote<HostApi> = wrap<HostApi>(worker);
  let fail!: (e: Error) => void;
  const died = new Promise<never>((_, reject) => (fail = reject));
  died.catch(() => undefined);
  const onError = (ev: Event) => {
    const detail = ev instanceof ErrorEvent && ev.message ? ev.message : "its script could not be loaded or threw while starting (the package's worker.ts must be bundled by the app: Vite does this, other bundlers need `worker` passed in)";
    fail(new ModalflowError('RUNTIME_WORKER_FAILED', `onnxruntime-web's worker failed: ${detail}`));
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', () => fail(new ModalflowError('RUNTIME_WORKER_FAILED', "a message from onnxruntime-web's worker could not be read")));
  let closed = false;
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, died]);
  const ready = guard(remote.configure(config));
  // A worker that dies before the first call reports it through that call, not as unhandled.
  ready.catch(() => undefined);

  const traffic = emptyTraffic();

  async function run(
    id: number,
    feeds: Record<string, Tensor>,
    fetches: string[] | undefined,
    held: Record<string, number>,
    keep: string[],
  ): Promise<RunReply & { moved: string[] }> {
    let packed = packFeeds(feeds);
    traffic.runs++;
    traffic.sentBytes += tensorBytes(Object.values(packed.value));
    traffic.residentFeeds += Object.keys(held).length;
    try {
      return { ...(await guard(remote.run(id, transfer(packed.value, packed.transfer), fetches, packed.moved, held, keep))), moved: packed.moved };
    } catch (e) {
      // Memory that cannot be detached (a wasm heap, say) fails before anything moves: copy it.
      if (!isDataCloneError(e)) throw e;
      packed = packFeeds(feeds, true);
      return { ...(await guard(remote.run(id, transfer(packed.value, packed.transfer), fetches, [], held, keep))), moved: [] };
    }
  }

  return {
    traffic,
    async createSession(model, request) {
      await ready;
      const packed = packModel(model, modelBytes === 'copy');
      // comlink's Remote<> spreads the Reply union into a union of promises; it is one promise.
      const reply = remote.createSession(transfer(packed.value, packed.transfer), request) as Promise<Reply<SessionInfo>>;
      return unwrap(await guard(reply));
    },
    async run(id, feeds, fetches, held = {}, keep = []) {
      await ready;
      const reply = await run(id, feeds, fetches, held, keep);
      reattach(feeds, reply.moved, reply.returned);
      if (reply.error) throw fromWire(reply.error);
      traffic.receivedBytes += tensorBytes(Object.values(reply.outputs!));
      return { outputs: reply.outputs!, kept: reply.kept ?? {} };
    },
    async upload(t) {
      await ready;
      // Cloned, not moved: the caller keeps its tensor.
      const info = unwrap(await guard(remote.upload(t) as Promise<Reply<ResidentInfo>>));
      traffic.sentBytes += tensorBytes([t]);
      return info;
    },
    async download(ref) {
      await ready;
      const t = unwrap(await guard(remote.download(ref) as Promise<Reply<Tensor>>));
      traffic.receivedBytes += tensorBytes([t]);
      return t;
    },
    async releaseResident(refs) {
      // Closing ended the worker and every value in it.
      if (closed || !refs.length) return;
      await guard(remote.releaseResident(refs));
    },
    async release(id) {
      // Closing ended the worker and every session in it.
      if (closed) return;
      await guard(remote.release(id));
    },
    async describeProviders() {
      await ready;
      return guard(remote.describeProviders());
    },
    async close() {
      if (closed) return;
      closed = true;
      worker.removeEventListener('error', onError);
      remote[releaseProxy]();
      worker.terminate();
      fail(new ModalflowError('RUNTIME_WORKER_FAILED', 'the runtime was closed'));
    },
  };
}
