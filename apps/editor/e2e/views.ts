import type { Locator } from 'playwright-core';

/** The share of a canvas' pixels that something was drawn on (alpha above zero), read back from the canvas. */
export function canvasInk(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    if (!c.width || !c.height) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let k = 3; k < d.length; k += 4) if (d[k]! > 0) drawn++;
    return drawn / (c.width * c.height);
  });
}

/**
 * A similarity card's matrix as the page shows it, as logits (softmax per row turned off: its
 * probabilities round to 0 below the best column, which would hide the ranking there): each
 * cell's value from its tooltip, row by row.
 */
export async function matrixShown(card: Locator): Promise<{ shape: number[]; data: number[] }> {
  const soft = card.getByRole('checkbox');
  if (await soft.isChecked()) await soft.uncheck();
  await card.getByText('· logits').waitFor();
  const rows = await card.getByRole('row').count();
  const titles = await card.getByTestId('matrix-cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? ''));
  return { shape: [rows, titles.length / rows], data: titles.map((t) => Number(t.slice(t.lastIndexOf(': ') + 2))) };
}
