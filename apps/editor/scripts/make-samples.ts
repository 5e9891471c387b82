/**
 * Draws the run panel's sample pictures (simple shapes, so the repository holds no photos of
 * uncertain licence) and writes them as PNG to public/samples/. Run with
 * `npx tsx scripts/make-samples.ts`; the output is deterministic.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

type RGB = [number, number, number];

function canvas(width: number, height: number, paint: (x: number, y: number) => RGB): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  // 4×4 supersampling keeps the shapes' edges smooth.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const c = paint(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
          acc[0]! += c[0];
          acc[1]! += c[1];
          acc[2]! += c[2];
        }
      }
      px.set(acc.map((v) => Math.round(v / 16)), (y * width + x) * 3);
    }
  }
  return px;
}

function png(width: number, height: number, rgb: Uint8Array): Buffer {
  const image = new PNG({ width, height });
  for (let k = 0; k < width * height; k++) {
    image.data.set(rgb.subarray(k * 3, k * 3 + 3), k * 4);
    image.data[k * 4 + 3] = 255;
  }
  return PNG.sync.write(image, { colorType: 2 });
}

const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

const samples: Record<string, [number, number, (x: number, y: number) => RGB]> = {
  // A red disc left of centre on a pale blue ground: attention should have one place to go.
  'red-circle.png': [
    128,
    128,
    (x, y) => ((x - 50) ** 2 + (y - 60) ** 2 < 30 ** 2 ? [222, 46, 52] : mix([196, 226, 250], [150, 196, 236], y / 128)),
  ],
  // Landscape: three green squares in a row on white, for a wide patch grid.
  'green-squares.png': [
    192,
    128,
    (x, y) => {
      const inSquare = [24, 80, 136].some((left) => x >= left && x < left + 36 && y >= 46 && y < 82);
      return inSquare ? [34, 150, 72] : [246, 246, 240];
    },
  ],
  // Portrait: a sun over a horizon, for a tall grid and a picture with some structure.
  'sunset.png': [
    128,
    176,
    (x, y) => {
      if (y > 118) return mix([70, 56, 92], [36, 30, 52], (y - 118) / 58);
      if ((x - 64) ** 2 + (y - 92) ** 2 < 26 ** 2) return [255, 196, 64];
      return mix([255, 140, 90], [120, 92, 190], 1 - y / 118);
    },
  ],
};

const dir = new URL('../public/samples/', import.meta.url);
for (const [name, [w, h, paint]] of Object.entries(samples)) {
  writeFileSync(new URL(name, dir), png(w, h, canvas(w, h, paint)));
  console.log(`wrote public/samples/${name} (${w}×${h})`);
}
