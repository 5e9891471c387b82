/**
 * Thrown from a node's ports/infer/weights/lower to point at the port or param at fault. A
 * `code` replaces the generic one the analysis would use (MF_SHAPE_INFER, MF_NODE_PORTS) when
 * the problem has a more precise name, such as MF_ASSET_INVALID.
 */
export class NodeError extends Error {
  readonly port: string | undefined;
  readonly param: string | undefined;
  readonly code: string | undefined;
  constructor(message: string, where: { port?: string; param?: string; code?: string } = {}) {
    super(message);
    this.name = 'NodeError';
    this.port = where.port;
    this.param = where.param;
    this.code = where.code;
  }
}
