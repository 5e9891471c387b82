/**
 * A small Open Inference Protocol v2 client written from the protocol's text alone
 * (kserve/open-inference-protocol, "REST" and "binary tensor data extension"), importing
 * nothing from ModalFlow, so tests show that a client written for any v2 server works.
 */

export type Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export interface InferInput {
  name: string;
  shape: number[];
  datatype: Datatype;
  /** Numbers, booleans or strings, flat in row-major order. */
  data: (number | boolean | string)[];
}

export interface InferOutput {
  name: string;
  shape: number[];
  datatype: Datatype;
  data: (number | boolean | string)[];
}

const SIZES: Record<string, number> = { BOOL: 1, UINT8: 1, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FP16: 2, FP32: 4, FP64: 8 };

function toBytes(t: InferInput): Uint8Array {
  if (t.datatype === 'BYTES') {
    const parts = t.data.map((s) => new TextEncoder().encode(String(s)));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      new DataView(out.buffer).setUint32(at, p.length, true);
      out.set(p, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  const size = SIZES[t.datatype]!;
  const out = new Uint8Array(t.data.length * size);
  const view = new DataView(out.buffer);
  t.data.forEach((v, i) => {
    const n = Number(v);
    switch (t.datatype) {
      case 'FP32': view.setFloat32(i * 4, n, true); break;
      case 'FP64': view.setFloat64(i * 8, n, true); break;
      case 'INT32': view.setInt32(i * 4, n, true); break;
      case 'INT64': view.setBigInt64(i * 8, BigInt(n), true); break;
      case 'INT16': view.setInt16(i * 2, n, true); break;
      case 'INT8': view.setInt8(i, n); break;
      case 'UINT8': case 'BOOL': view.setUint8(i, n); break;
      default: throw new Error(`cannot encode ${t.datatype}`);
    }
  });
  return out;
}

function fromBytes(datatype: Datatype, bytes: Uint8Array): (number | boolean | string)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (number | boolean | string)[] = [];
  if (datatype === 'BYTES') {
    for (let at = 0; at < bytes.length; ) {
      const n = view.getUint32(at, true);
      out.push(new TextDecoder().decode(bytes.subarray(at + 4, at + 4 + n)));
      at += 4 + n;
    }
    return out;
  }
  const size = SIZES[datatype]!;
  for (let i = 0; i < bytes.length / size; i++) {
    switch (datatype) {
      case 'FP32': out.push(view.getFloat32(i * 4, true)); break;
      case 'FP64': out.push(view.getFloat64(i * 8, true)); break;
      case 'INT32': out.push(view.getInt32(i * 4, true)); break;
      case 'INT64': out.push(Number(view.getBigInt64(i * 8, true))); break;
      case 'UINT8': out.push(view.getUint8(i)); break;
      case 'BOOL': out.push(view.getUint8(i) !== 0); break;
      default: throw new Error(`cannot decode ${datatype}`);
    }
  }
  return out;
}

export class V2Client {
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private async json(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.base + path, { headers: this.headers });
    return { status: res.status, body: await res.json() };
  }

  async live(): Promise<boolean> {
    return (await fetch(`${this.base}/v2/health/live`, { headers: this.headers })).status === 200;
  }

  async ready(): Promise<boolean> {
    return (await fetch(`${this.base}/v2/health/ready`, { headers: this.headers })).status === 200;
  }

  async metadata(model: string): Promise<{ name: string; inputs: { name: string; datatype: string; shape: number[] }[]; outputs: { name: string; datatype: string; shape: number[] }[] }> {
    const { status, body } = await this.json(`/v2/models/${encodeURIComponent(model)}`);
    if (status !== 200) throw new Error(`metadata: HTTP ${status}: ${JSON.stringify(body)}`);
    return body as never;
  }

  /** Infers with JSON tensors, or with every tensor in the binary extension when `binary`. */
  async infer(model: string, inputs: InferInput[], options: { binary?: boolean; id?: string } = {}): Promise<{ id?: string; outputs: InferOutput[] }> {
    const url = `${this.base}/v2/models/${encodeURIComponent(model)}/infer`;
    let body: Uint8Array<ArrayBuffer> | string;
    const headers: Record<string, string> = { ...this.headers };
    if (options.binary) {
      const parts = inputs.map(toBytes);
      const header = new TextEncoder().encode(
        JSON.stringify({
          ...(options.id ? { id: options.id } : {}),
          inputs: inputs.map((t, i) => ({ name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: parts[i]!.length } })),
          parameters: { binary_data_output: true },
        }),
      );
      body = new Uint8Array(header.length + parts.reduce((n, p) => n + p.length, 0));
      body.set(header, 0);
      let at = header.length;
      for (const p of parts) {
        body.set(p, at);
        at += p.length;
      }
      headers['Inference-Header-Content-Length'] = String(header.length);
      headers['Content-Type'] = 'application/octet-stream';
    } else {
      body = JSON.stringify({ ...(options.id ? { id: options.id } : {}), inputs });
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, { method: 'POST', headers, body });
    const raw = new Uint8Array(await res.arrayBuffer());
    const headerLength = res.headers.get('inference-header-content-length');
    const jsonEnd = headerLength === null ? raw.length : Number(headerLength);
    const parsed = JSON.parse(new TextDecoder().decode(raw.subarray(0, jsonEnd)));
    if (res.status !== 200) throw Object.assign(new Error(`infer: HTTP ${res.status}: ${parsed.error}`), { status: res.status, body: parsed });
    let at = jsonEnd;
    const outputs = (parsed.outputs as (InferOutput & { parameters?: { binary_data_size?: number } })[]).map((o) => {
      const size = o.parameters?.binary_data_size;
      if (size === undefined) return { name: o.name, shape: o.shape, datatype: o.datatype, data: o.data };
      const data = fromBytes(o.datatype, raw.subarray(at, at + size));
      at += size;
      return { name: o.name, shape: o.shape, datatype: o.datatype, data };
    });
    return { ...(parsed.id ? { id: parsed.id } : {}), outputs };
  }
}
