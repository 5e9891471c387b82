import { ModalflowError, isModalflowError, type AssetData, type Location } from '@modalflow/core';
import { scanModel, type ModelInfo } from '@modalflow/onnx';

/** Larger sizes are not a real tensor axis but a corrupt or hostile file: int32 indexing ends there. */
export const MAX_DIM = 2 ** 31 - 1;
/** NumPy's limit; no real model goes near it. */
export const MAX_RANK = 64;

interface Failure {
  code: string;
  message: string;
}

// The editor re-analyses on every edit; a 300 MB model must be decoded once per loaded file,
// and a bad file must not be parsed again each time just to fail the same way.
const decoded = new WeakMap<Uint8Array, { info: ModelInfo } | { failure: Failure }>();

/**
 * An error from `ports()`. Analysis puts its own code and location in front of the message, so
 * the message is kept bare rather than formatted as ModalflowError does by default.
 */
export function modelError(code: string, message: string, at: Location): ModalflowError {
  return new ModalflowError(code, message, at);
}

/** The decoded model of a loaded asset, or a ModalflowError that says what is wrong with it. */
export function readModelAsset(asset: AssetData, at: Location): ModelInfo {
  let entry = decoded.get(asset.bytes);
  if (!entry) {
    entry = decodeChecked(asset.bytes);
    decoded.set(asset.bytes, entry);
  }
  if ('info' in entry) return entry.info;
  throw modelError(entry.failure.code, `asset "${asset.name}" (${asset.uri}): ${entry.failure.message}`, at);
}

function decodeChecked(bytes: Uint8Array): { info: ModelInfo } | { failure: Failure } {
  const other = sniff(bytes);
  if (other) return { failure: { code: 'MF_MODEL_WRONG_TYPE', message: `this is ${other}, not an ONNX model` } };
  let info: ModelInfo;
  try {
    // Only the signature is needed to wire the node: the weights are stepped over, never read,
    // and onnxruntime checks them when it opens the file.
    info = scanModel(bytes).info;
  } catch (e) {
    if (!isModalflowError(e)) throw e;
    const p = e.problems[0]!;
    return { failure: { code: p.code, message: p.at.path ? `${p.message} (at ${p.at.path})` : p.message } };
  }
  const failure = checkInfo(info);
  return failure ? { failure } : { info };
}

/** What the decoder accepts but a node cannot stand for. */
function checkInfo(info: ModelInfo): Failure | undefined {
  if (info.inputs.length === 0) {
    return { code: 'MF_MODEL_NO_INPUTS', message: 'the model has no inputs to feed, so it cannot be a node of a graph' };
  }
  if (info.outputs.length === 0) return { code: 'MF_MODEL_NO_OUTPUTS', message: 'the model declares no outputs' };
  for (const [role, values] of [['input', info.inputs], ['output', info.outputs]] as const) {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v.name)) return { code: 'MF_MODEL_DUPLICATE_NAME', message: `two ${role}s are named "${v.name}"` };
      seen.add(v.name);
      const shape = v.shape;
      if (shape && shape.length > MAX_RANK) {
        return { code: 'MF_MODEL_BAD_DIM', message: `${role} "${v.name}" has rank ${shape.length}, over the limit of ${MAX_RANK}` };
      }
      const huge = shape?.findIndex((d) => typeof d === 'number' && d > MAX_DIM) ?? -1;
      if (huge >= 0) {
        return { code: 'MF_MODEL_BAD_DIM', message: `${role} "${v.name}" has size ${shape![huge]} on axis ${huge}, over the limit of ${MAX_DIM}` };
      }
    }
  }
  for (const o of info.outputs) {
    if (!o.dtype || !o.shape) {
      return {
        code: 'MF_MODEL_UNTYPED_OUTPUT',
        message: `output "${o.name}" has no recorded ${o.dtype ? 'shape' : 'element type'}; export the model with shape inference (onnx.shape_inference.infer_shapes) so its outputs are typed`,
      };
    }
  }
  return undefined;
}

const ascii = (b: Uint8Array, start: number, text: string) =>
  b.length >= start + text.length && [...text].every((c, k) => b[start + k] === c.charCodeAt(0));
const bytesAt = (b: Uint8Array, sig: number[]) => b.length >= sig.length && sig.every((x, k) => b[k] === x);

/**
 * Recognises files often renamed or mistaken for .onnx. None of these openings can begin an
 * ONNX protobuf (their first byte is an unused field or an invalid wire type), so a real model
 * is never refused here.
 */
export function sniff(b: Uint8Array): string | undefined {
  if (bytesAt(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'a PNG image';
  if (bytesAt(b, [0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (ascii(b, 0, 'GIF8')) return 'a GIF image';
  if (ascii(b, 0, 'RIFF')) return 'a RIFF file (WAV audio or a WebP image)';
  if (bytesAt(b, [0x89, 0x48, 0x44, 0x46])) return 'an HDF5 file (a Keras .h5 model?)';
  if (ascii(b, 0, 'PK\x03\x04')) return 'a ZIP archive (a PyTorch .pt/.pth checkpoint, an .npz or a Keras file?)';
  if (bytesAt(b, [0x1f, 0x8b])) return 'a gzip archive; unpack it first';
  if (ascii(b, 0, 'GGUF')) return 'a GGUF model (llama.cpp)';
  if (b[0] !== 0x08 && ascii(b, 4, 'TFL3')) return 'a TensorFlow Lite model';
  if (bytesAt(b, [0x93]) && ascii(b, 1, 'NUMPY')) return 'a NumPy .npy array';
  if (b.length >= 2 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5) return 'a Python pickle (a PyTorch checkpoint?)';
  if (ascii(b, 0, 'version https://git-lfs')) return 'a Git LFS pointer: the real file was never downloaded (run `git lfs pull`)';
  if (isSafetensors(b)) return 'a safetensors weights file';
  const head = new TextDecoder().decode(b.subarray(0, 64)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html')) return 'an HTML page (a download that returned an error page?)';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON text (a config or tokenizer file?)';
  return undefined;
}

/** safetensors: an 8-byte little-endian header length, then that many bytes of JSON. */
function isSafetensors(b: Uint8Array): boolean {
  if (b.length < 10 || b[8] !== 0x7b) return false;
  const view = new DataView(b.buffer, b.byteOffset, 8);
  const n = Number(view.getBigUint64(0, true));
  if (n < 2 || n > b.length - 8) return false;
  let end = 8 + n - 1;
  while (end > 8 && b[end] === 0x20) end--;
  return b[end] === 0x7d;
}
