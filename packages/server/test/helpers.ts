import { readFileSync } from 'node:fs';
import type { Tensor } from '@modalflow/core';
import { openGraph, type GraphRunner } from '@modalflow/node-io';
import { createServer, type ModalflowServer, type ServedModel, type ServerOptions } from '../src/index.ts';

export const ROOT = new URL('../../../', import.meta.url).pathname;
export const LATE_FUSION = `${ROOT}examples/late-fusion/graph.json`;

export const exampleRows = (name: 'text' | 'image'): number[][] => JSON.parse(readFileSync(`${ROOT}examples/late-fusion/${name}.json`, 'utf8'));

export const f32 = (rows: number[][]): Tensor => ({ dtype: 'float32', dims: [rows.length, rows[0]!.length], data: Float32Array.from(rows.flat()) });

export async function openLateFusion(): Promise<GraphRunner> {
  return openGraph({ cwd: ROOT }, LATE_FUSION, { providers: 'cpu' });
}

/** A runner whose runs wait until `release()` is called, so tests can fill the queue on purpose. */
export function gated(runner: GraphRunner): { runner: GraphRunner; open(): void; calls: Record<string, Tensor>[] } {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const calls: Record<string, Tensor>[] = [];
  return {
    calls,
    open: () => {
      release();
      gate = Promise.resolve();
    },
    runner: {
      ...runner,
      run: async (inputs, options) => {
        calls.push(inputs);
        await gate;
        return runner.run(inputs, options);
      },
      release: async () => {},
    },
  };
}

export async function listen(models: ServedModel[], options: ServerOptions = {}): Promise<{ server: ModalflowServer; base: string }> {
  const server = await createServer(models, options);
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, base: address };
}

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
