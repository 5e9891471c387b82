import { decodeVideoFrames, loadAudioClip } from '@modalflow/media';

/** The page side of media.browser.test.ts and video.browser.test.ts: decodes a served sound or video file as the editor would. */
declare global {
  interface Window {
    decodeClip(url: string, sampleRate: number, samples: number): Promise<{ data: number[] } | { code: string; message: string }>;
  }
}

window.decodeClip = async (url, sampleRate, samples) => {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  try {
    const clip = await loadAudioClip(bytes, url, { sampleRate, samples });
    return { data: Array.from(clip) };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'none', message: (e as Error).message };
  }
};

declare global {
  interface Window {
    decodeVideo(url: string, frames: number, fps: number, height: number, width: number): Promise<{ data: number[]; indices: number[]; frames: number; rate: number } | { code: string; message: string }>;
  }
}

window.decodeVideo = async (url, frames, fps, height, width) => {
  const blob = await (await fetch(url)).blob();
  try {
    const r = await decodeVideoFrames(blob, { frames, fps, height, width }, url);
    return { data: Array.from(r.frames.data as Uint8Array), indices: r.indices, frames: r.probe.frames, rate: r.probe.rate };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'none', message: (e as Error).message };
  }
};
document.title = 'ready';
