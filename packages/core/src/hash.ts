import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { GraphDoc } from './document.ts';

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
  }
  return JSON.stringify(value);
}

export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  return sha256(typeof data === 'string' ? utf8ToBytes(data) : data);
}

/**
 * Identity of what a graph computes: nodes, params, edges, seed and weights. Layout, labels
 * and descriptions are left out so moving a node does not change the hash.
 */
export function graphHash(doc: GraphDoc): string {
  return sha256Hex(
    canonicalJson({
      format: doc.format,
      version: doc.version,
      seed: doc.seed,
      nodes: doc.nodes.map((n) => ({ id: n.id, type: n.type, typeVersion: n.typeVersion, params: n.params })),
      edges: doc.edges,
      weights: doc.weights,
      assets: doc.assets,
      blocks: doc.blocks && Object.fromEntries(Object.entries(doc.blocks).map(([k, b]) => [k, { ...b, ui: undefined, nodes: b.nodes.map((n) => ({ ...n, ui: undefined, label: undefined })) }])),
      blockLibraries: doc.blockLibraries,
    }),
  );
}
