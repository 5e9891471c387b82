import { fromWire, unwrap, type HostConfig } from './wire.ts';
import type { Link } from './link.ts';
import type { OrtHost } from './host.ts';
import { emptyTraffic, tensorBytes } from './transfer.ts';

/**
 * The host in the page's own realm: no copies and no transfers, but ORT's work blocks the
 * thread that calls it. ORT is loaded on first use so that apps using only the worker runtime
 * do not ship it in their main bundle.
 */
export function inlineLink(config: HostConfig): Link {
  let hostPromise: Promise<OrtHost> | undefined;
  const host = () =>
    (hostPromise ??= import('./host.ts').then(({ OrtHost }) => {
      const h = new OrtHost();
      h.configure(config);
      return h;
    }));
  // Counted as the worker link counts, so the two runtimes report the same for the same calls.
  const traffic = emptyTraffic();
  return {
    traffic,
    async createSession(model, request) {
      return unwrap(await (await host()).createSession(model, request));
    },
    async run(id, feeds, fetches, held = {}, keep = []) {
      traffic.runs++;
      traffic.sentBytes += tensorBytes(Object.values(feeds));
      traffic.residentFeeds += Object.keys(held).length;
      const reply = await (await host()).run(id, feeds, fetches, [], held, keep);
      if (reply.error) throw fromWire(reply.error);
      traffic.receivedBytes += tensorBytes(Object.values(reply.outputs!));
      return { outputs: reply.outputs!, kept: reply.kept ?? {} };
    },
    async release(id) {
      await (await host()).release(id);
    },
    async upload(t) {
      const info = unwrap(await (await host()).upload(t));
      traffic.sentBytes += tensorBytes([t]);
      return info;
    },
    async download(ref) {
      const t = unwrap(await (await host()).download(ref));
      traffic.receivedBytes += tensorBytes([t]);
      return t;
    },
    async releaseResident(refs) {
      if (hostPromise) await (await hostPromise).releaseResident(refs);
    },
    async describeProviders() {
      return (await host()).describeProviders();
    },
    async close() {
      if (hostPromise) await (await hostPromise).releaseAll();
    },
  };
}
