import { graphHash, type GraphDoc } from '@modalflow/core';

const hashes = new WeakMap<GraphDoc, string>();

/** The graph hash of a document, computed once per document object (views ask on every change). */
export function docHash(doc: GraphDoc): string {
  let h = hashes.get(doc);
  if (!h) hashes.set(doc, (h = graphHash(doc)));
  return h;
}
