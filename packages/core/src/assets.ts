/**
 * A URI written in a document is relative to the graph's folder and may not leave it: a graph
 * someone sends you must not read `../../.ssh/id_rsa`. Returns why a URI is refused, or null.
 */
export function checkDocumentUri(uri: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return `"${uri}" has a scheme; only paths relative to the graph's folder are allowed`;
  if (uri.startsWith('/') || uri.startsWith('\\') || /^[a-z]:[\\/]/i.test(uri)) return `"${uri}" is absolute; it must be relative to the graph's folder`;
  if (uri.includes('\0')) return `"${uri}" contains a NUL byte`;
  let depth = 0;
  for (const part of uri.split(/[\\/]+/)) {
    if (part === '..') depth -= 1;
    else if (part !== '.' && part !== '') depth += 1;
    if (depth < 0) return `"${uri}" escapes the graph's folder`;
  }
  return null;
}
