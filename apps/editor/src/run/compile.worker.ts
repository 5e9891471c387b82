/// <reference lib="webworker" />
import { isModalflowError, type AssetData, type GraphDoc } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import type { CompileReply, CompileRequest } from './compileProtocol.ts';

// Compiling builds every seeded weight (hundreds of megabytes for a full-size model), which
// would freeze the page for seconds; here it only keeps this worker busy, and Cancel can end it.
const registry = createRegistry();

self.onmessage = (event: MessageEvent<CompileRequest>) => {
  const { id, doc, assets, taps, weights, libraries } = event.data;
  let reply: CompileReply;
  const transfer = new Set<ArrayBuffer>();
  try {
    const compiled = compileGraph(doc as GraphDoc, registry, {
      taps,
      asset: (name): AssetData | undefined => assets[name],
      library: (uri) => libraries[uri],
      ...(weights ? { weights: new Map(Object.entries(weights)) } : {}),
    });
    for (const bytes of [...Object.values(compiled.models), ...Object.values(compiled.assets)]) transfer.add(bytes.buffer as ArrayBuffer);
    reply = { id, ok: true, compiled };
  } catch (e) {
    const error = e as Error;
    reply = {
      id,
      ok: false,
      error: { name: error.name, message: error.message, ...(isModalflowError(e) ? { code: e.code, at: e.at, problems: e.problems } : {}) },
    };
  }
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, [...transfer]);
};
