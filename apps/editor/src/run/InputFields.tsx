import { useRef, useState, type ChangeEvent, type DragEvent, type KeyboardEvent } from 'react';
import { formatShape } from '@modalflow/core';
import { useEditor, useEditorApi, useRunner, useUiApi } from '../app/context.tsx';
import { decodeImage } from './decodeImage.ts';
import { fixedImageSize } from './defaults.ts';
import type { GraphInput } from './graphInputs.ts';
import type { ImageItem, InputValue, Sizes } from './inputValues.ts';
import { SAMPLES, sampleImage, sampleUrl, type Sample } from './samples.ts';
import { readTensorFile } from './tensorFiles.ts';
import { AudioField } from './AudioField.tsx';
import { VideoField } from './VideoField.tsx';

const IMAGE_TYPES = 'image/png,image/jpeg';

function useSetInput(name: string) {
  const editor = useEditorApi();
  return (value: InputValue | undefined) => editor.getState().setRunInput(name, value);
}

function useReport() {
  const ui = useUiApi();
  return (title: string, e: unknown) => ui.getState().notify({ kind: 'error', title, detail: (e as Error).message });
}

function ImageField({ input, value }: { input: GraphInput; value: Extract<InputValue, { kind: 'image' }> | undefined }) {
  const set = useSetInput(input.name);
  const report = useReport();
  const file = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const maxPixels = useEditor((s) => s.run.maxImagePixels);
  const images = value?.images ?? [];
  const first = images[0];
  // Pictures join a batch at the first one's size, or at the size the input fixes.
  const fit = first ? { width: first.width, height: first.height } : fixedImageSize(input);

  const add = (items: ImageItem[]) => set({ kind: 'image', images: [...images, ...items] });
  const addFiles = async (files: File[]) => {
    const picked = files.filter((f) => /^image\/(png|jpeg)$/.test(f.type) || /\.(png|jpe?g)$/i.test(f.name));
    if (!picked.length) return;
    try {
      const items: ImageItem[] = [];
      let size = fit;
      for (const f of picked) {
        const item = await decodeImage(f, f.name, URL.createObjectURL(f), size, maxPixels);
        size ??= { width: item.width, height: item.height };
        items.push(item);
      }
      add(items);
    } catch (e) {
      report('Could not read the picture', e);
    }
  };
  // A sample replaces the picture, as choosing a picture does; Shift (or Ctrl) adds it to the batch, and takes a chosen one out.
  const chooseSample = async (s: Sample, batch: boolean) => {
    const at = images.findIndex((i) => i.url === sampleUrl(s));
    if (batch && at >= 0) {
      const rest = images.filter((_, i) => i !== at);
      // The batch size is the first picture's; without it the others keep their resized copies.
      set({ kind: 'image', images: rest });
      return;
    }
    if (!batch && at === 0 && images.length === 1) return;
    try {
      if (batch) add([await sampleImage(s, fit)]);
      else set({ kind: 'image', images: [await sampleImage(s, fixedImageSize(input))] });
    } catch (e) {
      report('Could not load the sample', e);
    }
  };
  const onFiles = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    void addFiles(files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    void addFiles([...e.dataTransfer.files]);
  };

  return (
    <div
      className={`mf-image-field${over ? ' is-over' : ''}`}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {images.length > 0 && (
        <ul className="mf-image-field__chosen">
          {images.map((img, i) => (
            <li key={`${img.url}#${i}`} title={img.resizedFrom ? `${img.name}: resized from ${img.resizedFrom.width}×${img.resizedFrom.height} to ${img.width}×${img.height}, the batch's picture size` : img.name}>
              <img src={img.url} alt={img.name} />
              <span className="mf-image-field__name">{img.name}</span>
              <span className="mf-muted">
                {img.width}×{img.height}
              </span>
              <button type="button" className="mf-icon-btn" aria-label={`Remove ${img.name}`} onClick={() => set({ kind: 'image', images: images.filter((_, j) => j !== i) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="mf-image-field__samples">
        {SAMPLES.map((s) => {
          const chosen = images.some((i) => i.url === sampleUrl(s));
          return (
            <button
              type="button"
              key={s.file}
              className={`mf-sample${chosen ? ' is-chosen' : ''}`}
              onClick={(e) => void chooseSample(s, e.shiftKey || e.ctrlKey || e.metaKey)}
              title={`Use ${s.name}; Shift-click ${chosen ? 'takes it out of' : 'adds it to'} the batch`}
              aria-pressed={chosen}
              data-testid={`sample-${input.name}-${s.file.replace(/\.png$/, '')}`}
            >
              <img src={sampleUrl(s)} alt={s.name} />
            </button>
          );
        })}
        <button type="button" className="mf-sample mf-sample--upload" onClick={() => file.current?.click()} title="Upload PNG or JPEG pictures (or drop them here)">
          Upload…
        </button>
      </div>
      <input ref={file} type="file" accept={IMAGE_TYPES} multiple hidden onChange={onFiles} data-testid={`image-input-${input.name}`} />
    </div>
  );
}

function TextField({ input, value }: { input: GraphInput; value: Extract<InputValue, { kind: 'text' }> | undefined }) {
  const set = useSetInput(input.name);
  const runner = useRunner();
  const text = value?.text ?? '';
  const common = {
    className: 'mf-field__input mf-run-text',
    value: text,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set({ kind: 'text', text: e.target.value }),
    onKeyDown: (e: KeyboardEvent) => {
      // Typing stays in the field, except the shortcut to run.
      e.stopPropagation();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void runner?.run();
      }
    },
    'data-testid': `text-${input.name}`,
    'aria-label': input.name,
  };
  return input.labels ? (
    <input {...common} placeholder="Candidate labels, comma-separated" title="Candidate labels, separated by commas" />
  ) : (
    <textarea {...common} rows={Math.min(4, Math.max(2, text.split('\n').length))} placeholder="One example per line" />
  );
}

function TensorField({ input, value, dims }: { input: GraphInput; value: Extract<InputValue, { kind: 'tensor' }> | undefined; dims: string }) {
  const set = useSetInput(input.name);
  const report = useReport();
  const file = useRef<HTMLInputElement>(null);
  const mode = value?.mode ?? 'random';
  const seed = value && value.mode !== 'file' ? value.seed : 1;
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    try {
      const tensor = readTensorFile(f.name, new Uint8Array(await f.arrayBuffer()), input.dtype, input.name);
      set({ kind: 'tensor', mode: 'file', file: f.name, tensor });
    } catch (err) {
      report(`Could not read ${f.name}`, err);
    }
  };
  return (
    <div className="mf-tensor-field">
      <div className="mf-segmented" role="group" aria-label={`${input.name} value`}>
        {(['random', 'zeros'] as const).map((m) => (
          <button type="button" key={m} className={mode === m ? 'is-on' : ''} onClick={() => set({ kind: 'tensor', mode: m, seed })} data-testid={`tensor-${input.name}-${m}`}>
            {m === 'random' ? 'Random' : 'Zeros'}
          </button>
        ))}
        <button type="button" className={mode === 'file' ? 'is-on' : ''} onClick={() => file.current?.click()} title="An .npy file or a JSON nested array">
          File…
        </button>
      </div>
      {mode === 'random' && (
        <button type="button" className="mf-icon-btn" title="Draw other random values" aria-label="Draw other random values" onClick={() => set({ kind: 'tensor', mode: 'random', seed: seed + 1 })}>
          ↻
        </button>
      )}
      <span className="mf-tensor-field__shape mf-mono" title={value?.mode === 'file' ? value.file : undefined}>
        {value?.mode === 'file' ? `${value.file} · [${value.tensor.dims.join(', ')}]` : dims}
      </span>
      <input ref={file} type="file" accept=".npy,.json,application/json" hidden onChange={(e) => void onFile(e)} />
    </div>
  );
}

const KIND_LABEL = { image: 'image', text: 'text', tensor: 'tensor', regions: 'regions', audio: 'audio', video: 'video' } as const;

export function InputField({ input, value, sizes }: { input: GraphInput; value: InputValue | undefined; sizes: Sizes }) {
  const dims = input.shape.map((d) => (typeof d === 'number' ? d : sizes.sizes[d] ?? d));
  const desc = `${input.dtype} [${dims.join(', ')}]`;
  const node = useEditor((s) => s.nodeIndex.get(input.node));
  return (
    <div className="mf-run-input" data-testid={`input-${input.name}`}>
      <div className="mf-run-input__head">
        <span className="mf-run-input__name">{node?.label ?? input.name}</span>
        <span className={`mf-kind mf-kind--${input.kind}`}>{input.labels ? 'labels' : KIND_LABEL[input.kind]}</span>
        <span className="mf-run-input__shape mf-mono" title={`${input.description}\ndeclared ${input.dtype} ${formatShape(input.shape)}`}>
          {desc}
        </span>
      </div>
      {input.kind === 'image' ? (
        <ImageField input={input} value={value?.kind === 'image' ? value : undefined} />
      ) : input.kind === 'text' ? (
        <TextField input={input} value={value?.kind === 'text' ? value : undefined} />
      ) : input.kind === 'audio' ? (
        <AudioField input={input} value={value?.kind === 'tensor' ? value : undefined} />
      ) : input.kind === 'video' ? (
        <VideoField input={input} value={value?.kind === 'tensor' ? value : undefined} />
      ) : (
        <TensorField input={input} value={value?.kind === 'tensor' ? value : undefined} dims={desc} />
      )}
    </div>
  );
}

/** Symbolic sizes: fixed by a picture or text (read-only), or chosen here. */
/** The pixel budget for pictures, checked from their headers before the browser decodes them. */
export function PixelLimitField() {
  const maxPixels = useEditor((s) => s.run.maxImagePixels);
  const editor = useEditorApi();
  return (
    <div className="mf-run-sizes">
      <label className="mf-run-size" title="Pictures whose header declares more pixels than this are refused before decoding, as Pillow's MAX_IMAGE_PIXELS does">
        <span>Largest picture (pixels)</span>
        <input
          type="number"
          min={1}
          className="mf-field__input"
          value={maxPixels}
          onChange={(e) => editor.getState().setMaxImagePixels(Number(e.target.value))}
          onKeyDown={(e) => e.stopPropagation()}
          data-testid="run-max-image-pixels"
        />
      </label>
    </div>
  );
}

export function SizeFields({ symbols, sizes }: { symbols: string[]; sizes: Sizes }) {
  const editor = useEditorApi();
  if (!symbols.length) return null;
  return (
    <div className="mf-run-sizes" data-testid="run-sizes">
      <span className="mf-run-sizes__title">Sizes</span>
      {symbols.map((sym) => {
        const by = sizes.fixedBy[sym];
        return (
          <label key={sym} className="mf-run-size" title={by ? `Set by input "${by}"` : `Size of ${sym} for generated values`}>
            <span className="mf-mono">{sym}</span>
            {by ? (
              <span className="mf-run-size__fixed">{sizes.sizes[sym]}</span>
            ) : (
              <input
                type="number"
                min={1}
                className="mf-field__input"
                value={sizes.sizes[sym] ?? 1}
                onChange={(e) => editor.getState().setRunSize(sym, Number(e.target.value))}
                onKeyDown={(e) => e.stopPropagation()}
                data-testid={`size-${sym}`}
              />
            )}
          </label>
        );
      })}
    </div>
  );
}
