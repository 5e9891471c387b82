import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';

const require = createRequire(import.meta.url);

/** What a throwaway process saw when it created and ran a tiny model on one provider. */
export interface ProbeOutcome {
  /** 'ok': created and produced the right numbers; 'error': ORT threw; 'timeout'/'crash': the probe process hung or died. */
  kind: 'ok' | 'error' | 'timeout' | 'crash' | 'wrong-result';
  /** ORT's error message ('error'), or how the process ended ('crash'). */
  error?: string;
  /** The probe's stderr: native libraries (Dawn, the Vulkan loader, ORT's logger) write their diagnosis only there. */
  stderr: string;
  /** Wall time of the whole probe, process start included. */
  ms: number;
  /** Session creation time inside the probe. */
  createMs?: number;
}

const MARK = '@@modalflow-probe@@';

// Runs in a separate Node process. Kept as plain CommonJS so it needs no loader or transpiler.
const CHILD = `
const [ortPath, provider] = process.argv.slice(1);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  let out;
  const t0 = performance.now();
  try {
    const ort = require(ortPath);
    const session = await ort.InferenceSession.create(Buffer.concat(chunks), {
      executionProviders: [provider],
      // A GPU provider must run the whole probe model itself, not hand it to the CPU EP.
      extra: provider === 'cpu' ? {} : { session: { disable_cpu_ep_fallback: '1' } },
    });
    const createMs = performance.now() - t0;
    const r = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
    out = { ok: true, createMs, y: Array.from(r.y.data) };
  } catch (e) {
    out = { ok: false, error: String((e && e.message) || e) };
  }
  process.stdout.write('\\n${MARK}' + JSON.stringify(out) + '\\n', () => process.exit(0));
});
`;

const EXPECTED = [4, 9];
let probeModel: Uint8Array | undefined;

function getProbeModel(): Uint8Array {
  if (!probeModel) {
    const g = new OnnxGraph('modalflow_probe');
    const x = g.addInput('x', 'float32', [1, 4]);
    const w = g.constFloat([1, 0, 0, 1, 1, 1, 0, 1], [4, 2]);
    g.identity(g.op('MatMul', [x, w]), 'y');
    g.addOutput('y', 'float32', [1, 2]);
    probeModel = encodeModel(g, { opset: 17 });
  }
  return probeModel;
}

const STDERR_LIMIT = 16_384;

/**
 * Creates and runs a two-node model on `provider` in a child process. GPU stacks are probed
 * out of process because onnxruntime-node creates sessions synchronously on the JS thread: a
 * Vulkan/CUDA driver that stalls would freeze the event loop beyond any timeout, and one that
 * faults would take the whole process down. The child's stderr is also the only place where
 * Dawn and the Vulkan loader say *why* no adapter was found.
 */
export function probeInChild(provider: string, timeoutMs: number): Promise<ProbeOutcome> {
  const started = performance.now();
  const ortPath = require.resolve('onnxruntime-node');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD, ortPath, provider], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Lets the same code probe from Electron, whose execPath is not plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (o: Omit<ProbeOutcome, 'stderr' | 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, stderr, ms: performance.now() - started });
      // A GPU runtime that hangs in its exit handlers must not keep this process waiting.
      if (child.exitCode === null && child.signalCode === null) {
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind: 'timeout', error: `no answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      stdout += s;
      const at = stdout.indexOf(MARK);
      const end = at < 0 ? -1 : stdout.indexOf('\n', at);
      if (end < 0) return;
      let r: { ok: boolean; error?: string; createMs?: number; y?: number[] };
      try {
        r = JSON.parse(stdout.slice(at + MARK.length, end));
      } catch {
        finish({ kind: 'crash', error: 'the probe process wrote an unreadable answer' });
        return;
      }
      if (!r.ok) finish({ kind: 'error', error: r.error ?? 'unknown error' });
      else if (!sameNumbers(r.y, EXPECTED)) {
        finish({ kind: 'wrong-result', error: `expected [${EXPECTED}], got [${r.y}]`, createMs: r.createMs });
      } else finish({ kind: 'ok', createMs: r.createMs });
    });
    child.stderr.on('data', (s: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += s.slice(0, STDERR_LIMIT - stderr.length);
    });
    child.on('error', (e) => finish({ kind: 'crash', error: `could not start ${process.execPath}: ${e.message}` }));
    // 'close' rather than 'exit': stdout may still hold the answer when the process has exited.
    child.on('close', (code, signal) => {
      finish({
        kind: 'crash',
        error: signal ? `the probe process was killed by ${signal}` : `the probe process exited with code ${code}`,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(getProbeModel());
  });
}

function sameNumbers(a: number[] | undefined, b: number[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) < 1e-4);
}
