import * as path from 'node:path';
import { openGraph, UsageError, type AssetOptions, type GraphRunner } from '@modalflow/node-io';
import { createServer, type ServedModel } from '@modalflow/server';
import { createProgress } from '../progress.ts';
import { formatProviderReport } from '../format/providers.ts';
import { VERSION } from '../program.ts';
import type { Io } from '../io.ts';

export interface ServeOptions extends AssetOptions {
  port: number;
  host: string;
  device?: string;
  providers?: string;
  weights?: string;
  token?: string;
  cors?: string;
  maxBody: number;
  timeout: number;
  maxQueue: number;
  maxBatchSize: number;
  batchDelay: number;
  maxImagePixels?: number;
  quiet?: boolean;
  verbose?: boolean;
}

/** `name=path`, or the file's name without .json (its folder's name for a file called graph.json). */
export function modelName(arg: string): { name: string; file: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(arg);
  if (m) return { name: m[1]!, file: m[2]! };
  const stem = path.basename(arg).replace(/\.json$/i, '');
  const name = stem === 'graph' ? path.basename(path.dirname(path.resolve(arg))) : stem;
  return { name: name.replace(/[^A-Za-z0-9_.-]/g, '_'), file: arg };
}

/**
 * Compiles every graph and opens its sessions once, then answers Open Inference Protocol v2
 * requests until SIGINT or SIGTERM, when it finishes the requests in flight and stops.
 */
export async function serveCommand(io: Io, graphs: string[], opts: ServeOptions): Promise<void> {
  if (!graphs.length) throw new UsageError('give at least one graph file to serve');
  const named = graphs.map(modelName);
  const seen = new Set<string>();
  for (const { name } of named) {
    if (seen.has(name)) throw new UsageError(`two graphs are served as "${name}"; name them with name=path`);
    seen.add(name);
  }
  const progress = createProgress(io, !opts.quiet && (io.errIsTTY || !!opts.verbose));
  const models: ServedModel[] = [];
  const opened: GraphRunner[] = [];
  try {
    for (const { name, file } of named) {
      const runner = await openGraph(io, file, opts, progress);
      opened.push(runner);
      models.push({ name, runner });
      if (!opts.quiet) for (const line of formatProviderReport(runner.providers)) io.err(`${name}: ${line}\n`);
    }
  } catch (e) {
    await Promise.all(opened.map((r) => r.release()));
    throw e;
  }
  const token = opts.token ?? process.env.MODALFLOW_TOKEN;
  const server = await createServer(models, {
    token: token || undefined,
    cors: opts.cors,
    bodyLimit: opts.maxBody,
    timeoutMs: opts.timeout,
    maxQueue: opts.maxQueue,
    batching: { maxBatchSize: opts.maxBatchSize, maxDelayMs: opts.batchDelay },
    maxImagePixels: opts.maxImagePixels,
    version: VERSION,
    logger: { level: opts.quiet ? 'warn' : 'info', stream: { write: (line: string) => io.err(line) } },
  });
  const address = await server.app.listen({ host: opts.host, port: opts.port });
  io.err(`serving ${models.map((m) => m.name).join(', ')} at ${address}/v2/models/{name}/infer${token ? ' (bearer token required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      io.err(`${signal}: finishing requests in flight…\n`);
      server.close().then(resolve, (e) => {
        io.err(`error while shutting down: ${(e as Error).message}\n`);
        resolve();
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  io.err('stopped\n');
}
