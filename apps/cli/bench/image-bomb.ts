/**
 * Decompression bomb benchmark, printed as JSON (collected with the other suites by `npm run
 * bench`): a real PNG of about 1 MB whose header declares 20,000 x 20,000 pixels (1.2 GB of
 * zeros once inflated), given to the command line's decoder. It is refused from its header,
 * so the time is a header read and the memory stays at the baseline. Timings only; the tests
 * assert the refusal, never its speed.
 */
import { crc32, createDeflate } from 'node:zlib';
import { ModalflowError } from '@modalflow/core';
import { decodeImage } from '@modalflow/node-io';

const SIDE = 20_000;

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Deflates SIDE rows of (filter byte + SIDE x 3 zero bytes) without holding them all. */
async function bombPng(): Promise<Uint8Array> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(1 + SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, SIDE);
  view.setUint32(4, SIDE);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const pieces = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main() {
  const bomb = await bombPng();
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const times: number[] = [];
  let code = '';
  for (let k = 0; k < 50; k++) {
    const t0 = performance.now();
    try {
      decodeImage(bomb, 'bomb.png');
      code = 'decoded';
    } catch (e) {
      code = e instanceof ModalflowError ? e.code : String(e);
    }
    times.push(performance.now() - t0);
  }
  const after = process.memoryUsage();
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  times.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({
    file_bytes: bomb.length,
    declared: `${SIDE} x ${SIDE}`,
    inflated_bytes: SIDE * (1 + SIDE * 3),
    outcome: code,
    runs: times.length,
    reject_ms_median: Math.round(times[times.length >> 1]! * 1000) / 1000,
    reject_ms_max: Math.round(times[times.length - 1]! * 1000) / 1000,
    rss_growth_mb: mb(after.rss - before.rss),
    peak_rss_growth_mb: mb(peakAfter - peakBefore),
    heap_growth_mb: mb(after.heapUsed - before.heapUsed),
    target: { reject_ms: 100, memory_mb: 100 },
  }, null, 2)}\n`);
}

await main();
