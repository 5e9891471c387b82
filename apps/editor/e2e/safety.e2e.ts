import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, WEBGPU_ARGS, center, docOf, dragWire, openEditor, type Session } from './browser.ts';
import { isSoftwareAdapter } from '../src/run/adapter.ts';

// Nothing lost, nothing surprising: save targets, files that open with problems, replaced wires,
// sample pictures, stale results, run timings and the provider advice.
const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

type Page = Session['page'];

async function start(args?: string[]) {
  session = await openEditor(baseUrl, args ? { args } : {});
  return session.page;
}

const title = (page: Page) => page.getByTestId('doc-title').textContent();
const savedName = (page: Page) => page.evaluate(() => document.querySelector('.mf-doc-title__file')?.textContent ?? null);

/** A save picker that answers with the next name given, and records what was asked and written where. */
async function fakeSavePicker(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { showSaveFilePicker: unknown; __picks: string[]; __writes: { file: string; text: string }[]; __answer: string };
    w.__picks = [];
    w.__writes = [];
    w.showSaveFilePicker = async (o: { suggestedName: string }) => {
      w.__picks.push(o.suggestedName);
      const name = w.__answer;
      return { name, createWritable: async () => ({ write: async (text: string) => void w.__writes.push({ file: name, text }), close: async () => undefined }) };
    };
  });
  return {
    answer: (name: string) => page.evaluate((n) => void ((window as unknown as { __answer: string }).__answer = n), name),
    picks: () => page.evaluate(() => (window as unknown as { __picks: string[] }).__picks),
    writes: () => page.evaluate(() => (window as unknown as { __writes: { file: string; text: string }[] }).__writes.map((x) => ({ file: x.file, title: JSON.parse(x.text).meta.title as string }))),
  };
}

async function openExample(page: Page, id: string) {
  await page.getByTestId('btn-examples').click();
  await page.getByTestId(`example-${id}`).click();
  await page.getByTestId(`example-${id}`).waitFor({ state: 'detached' });
}

async function runToEnd(page: Page, want: 'done' | 'failed' = 'done') {
  await page.getByTestId('run-start').click();
  await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 60_000 });
  const problems = page.getByTestId('run-problems');
  expect(await page.getByTestId('run-status').getAttribute('data-status'), (await problems.count()) ? ((await problems.textContent()) ?? '') : '').toBe(want);
}

describe('nothing lost, nothing surprising', () => {
  it('forgets the save target when an example opens, and keeps title and save name together through undo and redo', async () => {
    const page = await start();
    const picker = await fakeSavePicker(page);
    const first = (await title(page))!;
    await picker.answer('mine.json');
    await page.getByTestId('btn-save').click();
    await expect.poll(() => savedName(page)).toBe('mine.json');
    await page.getByTestId('btn-save').click();
    await expect.poll(() => picker.writes()).toHaveLength(2);
    expect(await picker.picks()).toHaveLength(1);

    await openExample(page, 'clip');
    const second = (await title(page))!;
    expect(second).not.toBe(first);
    // An example is no file of the user's: no name shown, and saving asks where, suggesting its title.
    expect(await savedName(page)).toBe(null);
    await picker.answer('clip-copy.json');
    await page.getByTestId('btn-save').click();
    await expect.poll(() => picker.writes()).toHaveLength(3);
    expect((await picker.picks())[1]).toMatch(/^clip.*\.json$/);
    await expect.poll(() => savedName(page)).toBe('clip-copy.json');

    // Undo brings the first graph back under its own name, and saving it never writes into the example's file.
    await page.getByTestId('btn-undo').click();
    await expect.poll(() => title(page)).toBe(first);
    expect(await savedName(page)).toBe('mine.json');
    await picker.answer('mine.json');
    await page.getByTestId('btn-save').click();
    await expect.poll(() => picker.writes()).toHaveLength(4);
    expect((await picker.picks())[2]).toBe('mine.json');
    await page.getByTestId('btn-redo').click();
    await expect.poll(() => title(page)).toBe(second);
    expect(await savedName(page)).toBe('clip-copy.json');

    const writes = await picker.writes();
    expect(writes.filter((w) => w.file === 'mine.json').map((w) => w.title)).toEqual([first, first, first]);
    expect(writes.filter((w) => w.file === 'clip-copy.json').map((w) => w.title)).toEqual([second]);
  });

  it('says when an opened file loads with problems, and goes back to the previous graph on request', async () => {
    const page = await start();
    const before = (await title(page))!;
    const count = await page.locator('.react-flow__node').count();
    const graph = {
      format: 'modalflow.graph', version: 1, meta: { title: 'Half broken' }, seed: 1,
      nodes: [
        { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, 8' }, ui: { x: 0, y: 0 } },
        { id: 'mystery', type: 'layer.no_such_layer', typeVersion: 1, params: {}, ui: { x: 300, y: 0 } },
        { id: 'lin', type: 'layer.linear', typeVersion: 1, params: { out: 4 }, ui: { x: 600, y: 0 } },
      ],
      edges: [{ from: ['x', 'value'], to: ['mystery', 'x'] }],
    };
    await page.getByTestId('open-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(graph)) });
    await expect.poll(() => title(page)).toBe('Half broken');
    const toast = page.locator('[data-testid=toast][data-kind=toast-opened-with-problems]');
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/Opened broken\.json with \d+ problems?/);
    expect(await toast.textContent()).toContain('MF_UNKNOWN_NODE_TYPE');
    await toast.getByTestId('toast-action').click();
    await expect.poll(() => title(page)).toBe(before);
    expect(await page.locator('.react-flow__node').count()).toBe(count);
    expect(await savedName(page)).toBe(null);
  });

  it('replaces the wire into a taken input clearly: says so, offers undo, and marks the branch left feeding nothing', async () => {
    const page = await start();
    await page.getByTestId('zoom-level').click();
    await page.getByTestId('btn-fit').click();
    await page.waitForTimeout(400);
    await dragWire(page, await center(page.getByTestId('handle-image_act-out-y')), await center(page.getByTestId('handle-fuse-in-a')));
    const toast = page.locator('[data-testid=toast][data-kind=toast-replaced]');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Replaced the wire into fuse.a');
    expect(await toast.textContent()).toContain('text_act.y');
    const edges = ((await docOf(page)) as { edges: { from: string[]; to: string[] }[] }).edges;
    expect(edges.filter((e) => e.to[0] === 'fuse' && e.to[1] === 'a')).toEqual([{ from: ['image_act', 'y'], to: ['fuse', 'a'] }]);
    // The text branch now feeds nothing: all three of its nodes are marked, nothing else is.
    const marked = async () => (await page.locator('[data-orphan=true]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).sort();
    await expect.poll(marked).toEqual(['node-text', 'node-text_act', 'node-text_proj']);
    await page.screenshot({ path: '/tmp/modalflow-shots/orphaned-branch.png' }).catch(() => undefined);
    // Undo from the toast puts the old wire back, and the marks go with it.
    await toast.getByTestId('toast-action').click();
    await expect.poll(marked).toEqual([]);
    const restored = ((await docOf(page)) as { edges: { from: string[]; to: string[] }[] }).edges;
    expect(restored).toContainEqual({ from: ['text_act', 'y'], to: ['fuse', 'a'] });
    // The marks are part of history: redo replaces the wire again and marks the same branch.
    await page.getByTestId('btn-redo').click();
    await expect.poll(marked).toEqual(['node-text', 'node-text_act', 'node-text_proj']);
    await page.getByTestId('btn-undo').click();
    await expect.poll(marked).toEqual([]);
  });

  it('runs with compile and session time shown apart from run time, and marks results stale when a run fails', async () => {
    const page = await start();
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');
    await runToEnd(page);
    const timing = page.getByTestId('run-timing');
    expect(await timing.getAttribute('data-reused')).toBe('false');
    expect(await timing.getByTestId('run-timing-compile').textContent()).toMatch(/compile \d+ ms|compile <1 ms/);
    expect(await timing.getByTestId('run-timing-sessions').textContent()).toMatch(/sessions \d+ ms/);
    expect(await timing.getByTestId('run-timing-run').textContent()).toMatch(/run (\d+|<1) ms/);
    // The second run of the same graph pays neither again, and says so.
    await runToEnd(page);
    expect(await page.getByTestId('run-timing').getAttribute('data-reused')).toBe('true');
    expect(await page.getByTestId('results-stale').count()).toBe(0);

    // A value of the wrong shape makes the next run fail: the results shown are the earlier run's, and marked so.
    await page.getByTestId('input-text').locator('input[type=file]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('[[1, 2, 3]]') });
    await runToEnd(page, 'failed');
    expect(await page.getByTestId('results').getAttribute('data-stale')).toBe('failed');
    expect(await page.getByTestId('results-stale').textContent()).toContain('The last run failed');
    expect(await page.getByTestId('outputs-card').count()).toBe(1);
    expect(await page.getByTestId('run-timing').count()).toBe(0);
  });

  it('lets a sample picture replace the picture; Shift-click adds to the batch', async () => {
    const page = await start();
    await openExample(page, 'tiny-clip');
    await page.getByTestId('btn-run-panel').click();
    const field = page.locator('.mf-image-field').first();
    const chosen = () => field.locator('.mf-image-field__chosen li .mf-image-field__name').allTextContents();
    await expect.poll(chosen).toEqual(['Red circle']);
    const sample = (name: string) => field.locator(`[data-testid$=-${name}]`);
    await sample('green-squares').click();
    await expect.poll(chosen).toEqual(['Green squares']);
    await sample('sunset').click();
    await expect.poll(chosen).toEqual(['Sunset']);
    await sample('red-circle').click({ modifiers: ['Shift'] });
    await expect.poll(chosen).toEqual(['Sunset', 'Red circle']);
    await sample('red-circle').click({ modifiers: ['Shift'] });
    await expect.poll(chosen).toEqual(['Sunset']);
  });

  it('suggests WASM when WebGPU is a software adapter, and switches to it', async () => {
    const page = await start([...CHROMIUM_ARGS, ...WEBGPU_ARGS]);
    await page.getByTestId('btn-run-panel').click();
    const chip = page.getByTestId('provider-webgpu');
    await expect.poll(() => chip.getAttribute('data-available'), { timeout: 30_000 }).toBe('true');
    const adapter = (await chip.getAttribute('title'))!.replace(/^webgpu: /, '');
    const hint = page.getByTestId('software-webgpu-hint');
    expect(await hint.count()).toBe(isSoftwareAdapter(adapter) ? 1 : 0);
    if (!isSoftwareAdapter(adapter)) return;
    expect(await hint.getAttribute('title')).toContain(adapter);
    // The hint leaves the run status in view.
    expect(await page.getByTestId('run-status').isVisible()).toBe(true);
    await page.getByTestId('software-webgpu-use-wasm').click();
    expect(await page.getByTestId('run-provider').inputValue()).toBe('wasm');
    expect(await hint.count()).toBe(0);
  });
});
