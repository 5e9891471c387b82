// What only Node can do (spawning ffmpeg); browsers use the video element instead.
export { ffmpegAvailable, probeVideo, readVideoFrames, type VideoFramesOptions, type VideoProbe } from './video/ffmpeg.ts';
