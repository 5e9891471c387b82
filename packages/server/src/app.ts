import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import { formatShape, type Tensor } from '@modalflow/core';
import type { PlanInput } from '@modalflow/compiler';
import { checkInputs } from '@modalflow/engine';
import type { GraphRunner } from '@modalflow/node-io';
import { toV2Datatype } from './datatypes.ts';
import { HttpError, errorBody, toHttpError } from './http-error.ts';
import { JobStore, isFinal, jobView, type Job, type JobEvent } from './jobs.ts';
import { ModelQueue, type BatchingOptions } from './model-queue.ts';
import { decodeRequestTensor, encodeResponseTensor, type V2RequestTensor, type V2ResponseTensor } from './v2-tensors.ts';

export interface ServedModel {
  /** The name clients use in /v2/models/{name}. */
  name: string;
  runner: GraphRunner;
}

export interface ServerOptions {
  /** Every request but the health checks must carry `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** An origin allowed to call from a browser; none by default. */
  cors?: string | undefined;
  /** Largest request body, in bytes. */
  bodyLimit?: number;
  /** A request still unanswered after this long is answered 504 and its run abandoned. */
  timeoutMs?: number;
  /** Requests waiting per model beyond this are answered 429. */
  maxQueue?: number;
  batching?: BatchingOptions;
  maxImagePixels?: number | undefined;
  /** Fastify's logger (pino): JSON lines. */
  logger?: FastifyServerOptions['logger'];
  version?: string;
}

interface InferRequest {
  id?: string;
  parameters?: { binary_data_output?: boolean; [k: string]: unknown };
  inputs: V2RequestTensor[];
  outputs?: { name: string; parameters?: { binary_data?: boolean } }[];
}

const HEADER_LENGTH = 'inference-header-content-length';

/** The v2 shape of a plan tensor: symbolic sizes are -1, as Triton reports variable dimensions. */
const v2Shape = (shape: readonly (number | string)[]) => shape.map((d) => (typeof d === 'number' ? d : -1));

function parseBody(req: FastifyRequest): { json: unknown; binary: Uint8Array | undefined } {
  const body = req.body as Buffer | undefined;
  if (!body || body.length === 0) throw new HttpError(400, 'MF_BAD_REQUEST', 'the request has no body; send a JSON inference request');
  const lengthHeader = req.headers[HEADER_LENGTH];
  let jsonBytes: Uint8Array = body;
  let binary: Uint8Array | undefined;
  if (lengthHeader !== undefined) {
    const n = Number(lengthHeader);
    if (!Number.isSafeInteger(n) || n < 0 || n > body.length) {
      throw new HttpError(400, 'MF_BAD_REQUEST', `${HEADER_LENGTH} is "${lengthHeader}", but the body has ${body.length} bytes`);
    }
    jsonBytes = body.subarray(0, n);
    binary = body.subarray(n);
  }
  try {
    return { json: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes)), binary };
  } catch (e) {
    throw new HttpError(400, 'MF_BAD_JSON', `the request is not valid JSON: ${(e as Error).message}`);
  }
}

function checkRequest(json: unknown): InferRequest {
  const fail = (message: string, path: string) => new HttpError(400, 'MF_BAD_REQUEST', message, { path });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('the request must be a JSON object with "inputs"', '/');
  const r = json as Record<string, unknown>;
  if (!Array.isArray(r.inputs)) throw fail('"inputs" must be a list of tensors', '/inputs');
  r.inputs.forEach((t, i) => {
    if (typeof t !== 'object' || t === null) throw fail(`inputs[${i}] must be an object`, `/inputs/${i}`);
    const o = t as Record<string, unknown>;
    if (typeof o.name !== 'string') throw fail(`inputs[${i}] needs a "name"`, `/inputs/${i}/name`);
    if (typeof o.datatype !== 'string') throw fail(`inputs[${i}] ("${o.name}") needs a "datatype"`, `/inputs/${i}/datatype`);
    if (!Array.isArray(o.shape)) throw fail(`inputs[${i}] ("${o.name}") needs a "shape"`, `/inputs/${i}/shape`);
  });
  if (r.outputs !== undefined && (!Array.isArray(r.outputs) || !r.outputs.every((o) => typeof (o as { name?: unknown })?.name === 'string'))) {
    throw fail('"outputs" must be a list of { "name": ... }', '/outputs');
  }
  if (r.id !== undefined && typeof r.id !== 'string') throw fail('"id" must be a string', '/id');
  return r as unknown as InferRequest;
}

/** The request's tensors as the graph's inputs, each binary part cut from the body in order. */
function decodeInputs(req: InferRequest, binary: Uint8Array | undefined, inputs: PlanInput[], maxImagePixels: number | undefined): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  let at = 0;
  for (const t of req.inputs) {
    const spec = inputs.find((i) => i.name === t.name);
    if (!spec) {
      throw new HttpError(400, 'MF_INPUT_UNKNOWN', `the model has no input "${t.name}" (inputs: ${inputs.map((i) => i.name).join(', ')})`, { node: t.name });
    }
    if (out[t.name]) throw new HttpError(400, 'MF_BAD_REQUEST', `input "${t.name}" is given twice`, { node: t.name });
    let part: Uint8Array | undefined;
    const size = t.parameters?.binary_data_size;
    if (size !== undefined) {
      if (!binary) throw new HttpError(400, 'MF_BAD_REQUEST', `input "${t.name}" has binary_data_size, but the request has no ${HEADER_LENGTH} header`, { node: t.name });
      if (!Number.isSafeInteger(size) || size < 0 || at + size > binary.length) {
        throw new HttpError(400, 'MF_BAD_REQUEST', `input "${t.name}": binary_data_size ${size} runs past the ${binary.length - at} bytes left in the body`, { node: t.name });
      }
      part = binary.subarray(at, at + size);
      at += size;
    }
    out[t.name] = decodeRequestTensor(t, spec, { ...(part ? { binary: part } : {}), ...(maxImagePixels ? { maxImagePixels } : {}) });
  }
  if (binary && at !== binary.length) throw new HttpError(400, 'MF_BAD_REQUEST', `${binary.length - at} bytes of binary data are not claimed by any input's binary_data_size`);
  return out;
}

function encodeOutputs(req: InferRequest, model: string, outputs: Record<string, Tensor>, names: string[]): { json: Record<string, unknown>; binary: Uint8Array[] } {
  const wanted = req.outputs?.map((o) => o.name) ?? names;
  for (const name of wanted) {
    if (!names.includes(name)) throw new HttpError(400, 'MF_OUTPUT_UNKNOWN', `the model has no output "${name}" (outputs: ${names.join(', ')})`);
  }
  const allBinary = req.parameters?.binary_data_output === true;
  const tensors: V2ResponseTensor[] = [];
  const binary: Uint8Array[] = [];
  for (const name of wanted) {
    const asked = req.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
    const { tensor, bytes } = encodeResponseTensor(name, outputs[name]!, asked ?? allBinary);
    tensors.push(tensor);
    if (bytes) binary.push(bytes);
  }
  return { json: { model_name: model, model_version: '1', ...(req.id !== undefined ? { id: req.id } : {}), outputs: tensors }, binary };
}

function send(reply: FastifyReply, json: Record<string, unknown>, binary: Uint8Array[]): FastifyReply {
  if (!binary.length) return reply.send(json);
  const header = Buffer.from(JSON.stringify(json));
  return reply
    .header(HEADER_LENGTH, String(header.length))
    .type('application/octet-stream')
    .send(Buffer.concat([header, ...binary.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]));
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ModalflowServer {
  app: FastifyInstance;
  queues: Map<string, ModelQueue>;
  jobs: JobStore;
  /** Stops taking requests, lets those in flight (and running jobs) finish, then releases the sessions. */
  close(): Promise<void>;
}

/**
 * The Open Inference Protocol v2 over already opened graphs (KServe's and Triton's HTTP API),
 * plus a job API for runs a client wants to follow or cancel.
 */
export async function createServer(models: ServedModel[], options: ServerOptions = {}): Promise<ModalflowServer> {
  const bodyLimit = options.bodyLimit ?? 64 * 2 ** 20;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const batching = options.batching ?? { maxBatchSize: 1, maxDelayMs: 0 };
  const maxQueue = options.maxQueue ?? 256;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle' });
  const queues = new Map(models.map((m) => [m.name, new ModelQueue(m.runner, { ...batching, maxQueue })]));
  const byName = new Map(models.map((m) => [m.name, m]));
  const jobs = new JobStore();
  const streams = new Set<FastifyReply>();
  let closing = false;

  // Bodies are read as bytes: JSON and the binary tensor extension share one route, and parse
  // errors are answered with the protocol's coded error rather than Fastify's own.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  if (options.cors) await app.register(cors, { origin: options.cors });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, req, reply) => {
    let e: HttpError;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') e = new HttpError(413, 'MF_BODY_TOO_LARGE', `the request body is larger than the ${bodyLimit} bytes allowed`);
    else if (error.code?.startsWith('FST_ERR_CTP') || (error.statusCode && error.statusCode < 500 && !(error instanceof HttpError))) {
      e = new HttpError(error.statusCode ?? 400, 'MF_BAD_REQUEST', error.message);
    } else e = toHttpError(error);
    if (e.status >= 500) req.log.error({ err: error }, 'request failed');
    void reply.status(e.status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(errorBody(new HttpError(404, 'MF_NOT_FOUND', `no route ${req.method} ${req.url}`)));
  });

  app.addHook('onRequest', async (req) => {
    if (!options.token || req.url.startsWith('/v2/health/') || req.method === 'OPTIONS') return;
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(auth);
    if (!m || !sameToken(m[1]!, options.token)) {
      throw new HttpError(401, 'MF_UNAUTHORIZED', auth ? 'the bearer token is wrong' : 'this server needs an "Authorization: Bearer <token>" header');
    }
  });

  const model = (name: string) => {
    const m = byName.get(name);
    if (!m) throw new HttpError(404, 'MF_UNKNOWN_MODEL', `no model "${name}" is served (models: ${[...byName.keys()].join(', ')})`);
    return m;
  };

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => (closing ? reply.status(503).send({ ready: false }) : { ready: true }));
  app.get('/v2', async () => ({ name: 'modalflow', version: options.version ?? '0.1.0', extensions: ['binary_tensor_data', 'modalflow_jobs'] }));
  app.get('/v2/models', async () => ({ models: models.map((m) => ({ name: m.name, versions: ['1'], ready: !closing })) }));

  const metadata = async (req: FastifyRequest<{ Params: { name: string } }>) => {
    const { name, runner } = model(req.params.name);
    const plan = runner.compiled.plan;
    return {
      name,
      versions: ['1'],
      platform: 'modalflow',
      inputs: plan.inputs.map((i) => ({
        name: i.name,
        datatype: toV2Datatype(i.dtype),
        shape: v2Shape(i.shape),
        parameters: { kind: i.kind, shape: formatShape(i.shape), ...(i.kind === 'image' ? { also_accepts: 'BYTES (encoded PNG or JPEG, one per element)' } : {}) },
      })),
      outputs: plan.outputs.map((o) => ({ name: o.name, datatype: toV2Datatype(o.dtype), shape: v2Shape(o.shape) })),
      parameters: { batching: queues.get(name)!.batching },
    };
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  app.get<{ Params: { name: string } }>('/v2/models/:name/ready', async (req, reply) => {
    model(req.params.name);
    return closing ? reply.status(503).send({ name: req.params.name, ready: false }) : { name: req.params.name, ready: true };
  });

  const readInfer = (req: FastifyRequest<{ Params: { name: string } }>) => {
    const m = model(req.params.name);
    if (closing) throw new HttpError(503, 'MF_SHUTTING_DOWN', 'the server is shutting down');
    const { json, binary } = parseBody(req);
    const request = checkRequest(json);
    const inputs = decodeInputs(request, binary, m.runner.inputs, options.maxImagePixels);
    // Refused before queueing, so a job is only accepted with inputs the graph can take.
    checkInputs(m.runner.compiled.plan, inputs);
    // Outputs are checked before running, so a typo costs no compute.
    for (const o of request.outputs ?? []) {
      if (!m.runner.outputs.includes(o.name)) throw new HttpError(400, 'MF_OUTPUT_UNKNOWN', `the model has no output "${o.name}" (outputs: ${m.runner.outputs.join(', ')})`);
    }
    return { m, request, inputs };
  };

  const infer = async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const { m, request, inputs } = readInfer(req);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new HttpError(504, 'MF_TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
    // A client that hangs up no longer needs its run.
    const gone = () => controller.abort(new HttpError(499, 'MF_CANCELLED', 'the client closed the connection'));
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone();
    });
    try {
      const outputs = await queues.get(m.name)!.submit(inputs, { signal: controller.signal });
      const { json, binary } = encodeOutputs(request, m.name, outputs, m.runner.outputs);
      return send(reply, json, binary);
    } finally {
      clearTimeout(timer);
    }
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);

  // Jobs: the same request body, answered at once with an id to poll, follow or cancel.
  const runJob = async (job: Job, name: string, request: InferRequest, inputs: Record<string, Tensor>, runner: GraphRunner) => {
    try {
      const outputs = await queues.get(name)!.submit(inputs, { signal: job.controller.signal, onEvent: (e) => jobs.engineEvent(job, e), batchable: false });
      job.result = encodeOutputs({ ...request, parameters: {}, outputs: request.outputs?.map((o) => ({ name: o.name })) }, name, outputs, runner.outputs).json;
      jobs.setStatus(job, 'succeeded');
    } catch (e) {
      if (job.controller.signal.aborted) {
        jobs.setStatus(job, 'cancelled');
      } else {
        job.error = errorBody(toHttpError(e));
        jobs.setStatus(job, 'failed');
      }
    }
  };
  app.post<{ Params: { name: string } }>('/v2/models/:name/jobs', async (req, reply) => {
    const { m, request, inputs } = readInfer(req);
    if (queues.get(m.name)!.depth >= maxQueue) throw new HttpError(429, 'MF_QUEUE_FULL', `the queue of ${maxQueue} waiting requests is full; retry later`);
    const job = jobs.create(m.name);
    void runJob(job, m.name, request, inputs, m.runner);
    return reply.status(202).header('location', `/v2/jobs/${job.id}`).send({ ...jobView(job), links: { self: `/v2/jobs/${job.id}`, events: `/v2/jobs/${job.id}/events` } });
  });
  const job = (id: string) => {
    const j = jobs.get(id);
    if (!j) throw new HttpError(404, 'MF_UNKNOWN_JOB', `no job "${id}"`);
    return j;
  };
  app.get<{ Params: { id: string } }>('/v2/jobs/:id', async (req) => jobView(job(req.params.id)));
  const cancel = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const j = job(req.params.id);
    if (!isFinal(j.status)) j.controller.abort(new HttpError(499, 'MF_CANCELLED', 'the job was cancelled'));
    return jobView(j);
  };
  app.delete('/v2/jobs/:id', cancel);
  app.post('/v2/jobs/:id/cancel', cancel);

  // Server-sent events: every event so far, then each new one, until the job ends.
  app.get<{ Params: { id: string } }>('/v2/jobs/:id/events', (req, reply) => {
    const j = job(req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const write = (e: JobEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    const end = () => {
      j.listeners.delete(listener);
      streams.delete(reply);
      res.end();
    };
    const listener = (e: JobEvent) => {
      write(e);
      if (e.type === 'status' && isFinal(e.status)) end();
    };
    for (const e of j.events) write(e);
    if (isFinal(j.status)) return void res.end();
    j.listeners.add(listener);
    streams.add(reply);
    res.on('close', () => j.listeners.delete(listener));
  });

  return {
    app,
    queues,
    jobs,
    async close() {
      closing = true;
      for (const j of jobs.all()) if (j.status === 'queued') j.controller.abort(new HttpError(503, 'MF_SHUTTING_DOWN', 'the server is shutting down'));
      await Promise.all([...queues.values()].map((q) => q.drained()));
      for (const s of streams) s.raw.end();
      await app.close();
      await Promise.all(models.map((m) => m.runner.release()));
    },
  };
}
