import { fromWire, unwrap, type HostConfig } from './wire.ts';
import type { Link } from './link.ts';
import type { OrtHost } from './host.ts';

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
  return {
    async createSession(model, request) {
      return unwrap(await (await host()).createSession(model, request));
    },
    async run(id, feeds, fetches) {
      const reply = await (await host()).run(id, feeds, fetches, []);
      if (reply.error) throw fromWire(reply.error);
      return reply.outputs!;
    },
    async release(id) {
      await (await host()).release(id);
    },
    async describeProviders() {
      return (await host()).describeProviders();
    },
    async close() {
      if (hostPromise) await (await hostPromise).releaseAll();
    },
  };
}
