export { decodeAudio, sniffAudio, toMono, type AudioFormat, type DecodedAudio } from './audio/decode.ts';
export { resample, type ResampleQuality } from './audio/resample.ts';
export { audioBatch, loadAudioClip, padOrTrim, type AudioClipOptions } from './audio/clip.ts';
export { sampleFrameIndices, type FrameSampling } from './video/sample.ts';
export { decodeVideoFrames, type BrowserVideoFrames, type BrowserVideoOptions } from './video/browser.ts';
