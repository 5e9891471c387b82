import { ModalflowError, type DType, type Tensor } from '@modalflow/core';
import type { Attr, Dim, OnnxNode, OutputInfo, ValueInfo } from './ir.ts';
import type { AttrsOf, OpType } from './op-types.ts';

/** Node-name hint and exact output name for `OnnxGraph.op`. */
export interface OpOptions {
  name?: string;
  outputName?: string;
}

/** Node-name hint and exact output names for `OnnxGraph.opN`. */
export interface OpNOptions {
  name?: string;
  outputNames?: string[];
}

/**
 * An ONNX graph under construction: plain data the compiler emits into and passes rewrite,
 * serialised only by `encodeModel`.
 */
export class OnnxGraph {
  readonly name: string;
  docString?: string;
  readonly nodes: OnnxNode[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: OutputInfo[] = [];
  readonly initializers = new Map<string, Tensor>();

  private valueNames = new NameSet();
  private nodeNames = new NameSet();
  private readonly scopes: string[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /**
   * A graph for an If/Loop/Scan body. It shares this graph's names, because ONNX forbids a
   * subgraph value from reusing a name of the graph around it, and starts in the current scope.
   */
  subgraph(name: string): OnnxGraph {
    const child = new OnnxGraph(name);
    child.valueNames = this.valueNames;
    child.nodeNames = this.nodeNames;
    child.scopes.push(...this.scopes);
    return child;
  }

  /** Records a value name that exists in the graph, refusing one that is already taken. */
  claim(name: string, what = 'value'): string {
    if (name === '') {
      throw new ModalflowError('ONNX_BAD_NAME', `graph "${this.name}": a ${what} name must not be empty`);
    }
    if (this.valueNames.has(name)) {
      throw new ModalflowError(
        'ONNX_DUPLICATE_NAME',
        `graph "${this.name}": ${what} name "${name}" is already used by another value`,
      );
    }
    this.valueNames.add(name);
    return name;
  }

  /** Whether a value of this name was created or claimed in this graph. */
  has(name: string): boolean {
    return this.valueNames.has(name);
  }

  /**
   * Marks names as taken without checking them, for importers and passes that put values or
   * nodes into the public arrays directly; later generated names then avoid them.
   */
  reserve(values: Iterable<string>, nodes: Iterable<string> = []): void {
    for (const v of values) if (v !== '') this.valueNames.add(v);
    for (const n of nodes) if (n !== '') this.nodeNames.add(n);
  }

  /** A value name under the current scope that has never been used in this graph. */
  unique(hint: string): string {
    return this.valueNames.fresh(this.scoped(hint || 'v'));
  }

  /**
   * Runs `fn` with `prefix/` in front of every node and value name it creates; nested scopes
   * join with '/'.
   */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  addInput(name: string, dtype: DType, shape: Dim[]): string {
    this.claim(name, 'input');
    this.inputs.push({ name, dtype, shape: [...shape] });
    return name;
  }

  /** Marks an existing value as a graph output. */
  addOutput(name: string, dtype?: DType, shape?: Dim[]): string {
    if (this.outputs.some((o) => o.name === name)) {
      throw new ModalflowError('ONNX_DUPLICATE_NAME', `graph "${this.name}": "${name}" is already an output`);
    }
    const out: OutputInfo = { name };
    if (dtype !== undefined) out.dtype = dtype;
    if (shape !== undefined) out.shape = [...shape];
    this.outputs.push(out);
    return name;
  }

  addInitializer(name: string, tensor: Tensor): string {
    this.claim(name, 'initializer');
    this.initializers.set(name, tensor);
    return name;
  }

  /** Adds `tensor` as an initializer under a fresh name derived from `hint`. */
  constant(tensor: Tensor, hint = 'const'): string {
    const name = this.unique(hint);
    this.initializers.set(name, tensor);
    return name;
  }

  constInt64(values: readonly (number | bigint)[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.constant({ dtype: 'int64', dims: [...dims], data }, 'const_i64');
  }

  constFloat(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant({ dtype: 'float32', dims: [...dims], data: Float32Array.from(values) }, 'const_f32');
  }

  scalarFloat(x: number): string {
    return this.constFloat([x], []);
  }

  scalarInt64(n: number | bigint): string {
    return this.constInt64([n], []);
  }

  /**
   * Adds a single-output node of the default ONNX domain and returns the name of its output. The
   * op type and attribute names and kinds are checked against `OnnxOpAttrs` at compile time.
   * `opts.name` is a node-name hint made unique under the current scope; `opts.outputName` is
   * used verbatim and must be unused, for values that need an exact name.
   */
  op<K extends OpType>(opType: K, inputs: string[], attrs?: AttrsOf<K>, opts: OpOptions = {}): string {
    return this.opOf('', opType, inputs, attrs as Record<string, Attr> | undefined, opts);
  }

  /** Adds a node with `nOutputs` outputs and returns their names in order; see `op`. */
  opN<K extends OpType>(
    opType: K,
    inputs: string[],
    nOutputs: number,
    attrs?: AttrsOf<K>,
    opts: OpNOptions = {},
  ): string[] {
    return this.opNOf('', opType, inputs, nOutputs, attrs as Record<string, Attr> | undefined, opts);
  }

  /**
   * `op` without the compile-time checks: for ops of other domains (com.microsoft, custom ones),
   * ops outside the opset-17 table, and op types only known at run time. `domain` '' is the
   * default ONNX domain.
   */
  opOf(
    domain: string,
    opType: string,
    inputs: string[],
    attrs: Record<string, Attr> = {},
    opts: OpOptions = {},
  ): string {
    const nodeName = this.nodeNames.fresh(this.scoped(opts.name ?? opType));
    const output = opts.outputName !== undefined ? this.claim(opts.outputName) : this.unique(`${leaf(nodeName)}_out`);
    this.pushNode(opType, nodeName, inputs, [output], attrs, domain);
    return output;
  }

  /** `opN` without the compile-time checks; see `opOf`. */
  opNOf(
    domain: string,
    opType: string,
    inputs: string[],
    nOutputs: number,
    attrs: Record<string, Attr> = {},
    opts: OpNOptions = {},
  ): string[] {
    const nodeName = this.nodeNames.fresh(this.scoped(opts.name ?? opType));
    const outputs: string[] = [];
    for (let k = 0; k < nOutputs; k++) {
      const exact = opts.outputNames?.[k];
      outputs.push(exact !== undefined ? this.claim(exact) : this.unique(`${leaf(nodeName)}_out${k}`));
    }
    this.pushNode(opType, nodeName, inputs, outputs, attrs, domain);
    return outputs;
  }

  /** Copies `from` into a value named exactly `toName`, typically so it can be an output. */
  identity(from: string, toName: string): string {
    return this.op('Identity', [from], {}, { outputName: toName });
  }

  private pushNode(
    opType: string,
    name: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, Attr>,
    domain: string,
  ): void {
    const node: OnnxNode = { opType, name, inputs: [...inputs], outputs, attrs: { ...attrs } };
    if (domain) node.domain = domain;
    this.nodes.push(node);
  }

  private scoped(hint: string): string {
    return this.scopes.length ? `${this.scopes.join('/')}/${hint}` : hint;
  }
}

class NameSet {
  private readonly taken = new Set<string>();
  // Next suffix to try per base, so a hint used n times costs O(n) in total, not O(n^2).
  private readonly nextSuffix = new Map<string, number>();

  has(name: string): boolean {
    return this.taken.has(name);
  }

  add(name: string): void {
    this.taken.add(name);
  }

  fresh(base: string): string {
    let name = base;
    if (this.taken.has(name)) {
      let k = this.nextSuffix.get(base) ?? 1;
      while (this.taken.has(`${base}_${k}`)) k++;
      name = `${base}_${k}`;
      this.nextSuffix.set(base, k + 1);
    }
    this.taken.add(name);
    return name;
  }
}

/** The part of a scoped name after the last '/', so output names do not repeat the scope. */
function leaf(scopedName: string): string {
  const cut = scopedName.lastIndexOf('/');
  return cut < 0 ? scopedName : scopedName.slice(cut + 1);
}
