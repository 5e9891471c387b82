import type { DType, Shape, Tensor } from '@modalflow/core';

/**
 * What the data layer needs to know about one graph input. A compiler `PlanInput` fits as is;
 * the type is structural so this package does not depend on the compiler.
 */
export interface InputSpec {
  name: string;
  kind: 'tensor' | 'text' | 'image' | 'regions' | 'audio' | 'video';
  dtype: DType;
  /** Declared shape with the batch axis first; known sizes after it are checked per example. */
  shape?: Shape;
  /** Audio and video inputs: the rate and length a file becomes (a PlanInput's `media`). */
  media?: { sampleRate?: number; samples?: number; frames?: number; fps?: number; height?: number; width?: number };
}

/** Platform services: this package never touches a file system or an image codec itself. */
export interface Loaders {
  /** Reads a path exactly as written in the manifest; the caller resolves it against the manifest's folder. */
  readFile(path: string): Promise<Uint8Array>;
  /** PNG/JPEG bytes to uint8 [H, W, 3] or [1, H, W, 3]. */
  decodeImage(bytes: Uint8Array, file: string): Tensor;
  decodeNpy(bytes: Uint8Array, file: string): Tensor;
  /** Sound file bytes to mono float32 [S] at the input's rate (optional: only audio inputs need it). */
  decodeAudio?(bytes: Uint8Array, file: string, input: InputSpec): Promise<Tensor>;
  /**
   * A video file to its sampled frames, uint8 [F, H, W, 3], as the input samples them (optional:
   * only video inputs need it). Given the path as written, since decoders such as ffmpeg read files.
   */
  decodeVideo?(path: string, input: InputSpec): Promise<Tensor>;
}

export interface DatasetOptions extends Partial<Loaders> {
  inputs: readonly InputSpec[];
  /** Columns that name no input: an error per row (default) or ignored, e.g. an `id` column. */
  extraColumns?: 'error' | 'ignore';
}

/** One example's value for one input: a string for text, else a tensor without the batch axis. */
export type Example = string | Tensor;
