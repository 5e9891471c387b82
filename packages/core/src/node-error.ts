/** Thrown from a node's infer/weights/lower to point at the port or param at fault. */
export class NodeError extends Error {
  readonly port: string | undefined;
  readonly param: string | undefined;
  constructor(message: string, where: { port?: string; param?: string } = {}) {
    super(message);
    this.name = 'NodeError';
    this.port = where.port;
    this.param = where.param;
  }
}
