import { loadAudioClip } from '@modalflow/media';

/** The page side of media.browser.test.ts: decodes a served sound file as the editor would. */
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
document.title = 'ready';
