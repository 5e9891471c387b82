import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { center, docOf, dragWire, dropFromPalette, newDocument, openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

async function start(query?: string) {
  session = await openEditor(baseUrl, { query });
  return session.page;
}

const label = (page: Session['page'], edge: string) => page.getByTestId(`edge-label-${edge}`);
const pollText = (page: Session['page'], testId: string) => expect.poll(() => page.getByTestId(testId).textContent());

describe('editor end to end', () => {
  it('adds a node by dragging it from the palette', async () => {
    const page = await start();
    await newDocument(page);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    await dropFromPalette(page, 'layer.linear', 400, 300);
    await page.getByTestId('node-linear').waitFor();
    expect(await page.getByTestId('node-linear').getAttribute('data-type')).toBe('layer.linear');
    expect(await page.locator('.react-flow__node').count()).toBe(1);
    // Param widgets come from the definition: an int field with its minimum, and a bool switch.
    expect(await page.getByTestId('param-linear-out').getAttribute('min')).toBe('1');
    expect(await page.getByTestId('param-linear-bias').getAttribute('type')).toBe('checkbox');
  });

  it('connects two nodes and labels the wire with its shape; refuses a mismatch with the reason', async () => {
    const page = await start();
    await newDocument(page);
    await dropFromPalette(page, 'input.tensor', 200, 250);
    await dropFromPalette(page, 'layer.linear', 600, 250);
    await dropFromPalette(page, 'encoder.transformer', 600, 620);
    await page.getByTestId('node-transformer').waitFor();

    await dragWire(page, await center(page.getByTestId('handle-tensor-out-value')), await center(page.getByTestId('handle-linear-in-x')));
    await expect.poll(() => label(page, 'tensor.value->linear.x').textContent()).toBe('B×16');
    await pollText(page, 'costs-linear').toContain('1.1K params');

    await dragWire(page, await center(page.getByTestId('handle-tensor-out-value')), await center(page.getByTestId('handle-transformer-in-x')));
    const toast = page.getByTestId('toast').filter({ hasText: 'Connection refused' });
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/MF_SHAPE_MISMATCH.*expects rank 3/);
    const doc = (await docOf(page)) as { edges: unknown[] };
    expect(doc.edges).toEqual([{ from: ['tensor', 'value'], to: ['linear', 'x'] }]);
  });

  it('updates shapes when a parameter changes, with undo and redo', async () => {
    const page = await start();
    await expect.poll(() => label(page, 'text_proj.y->text_act.x').textContent()).toBe('B×24');
    const field = page.getByTestId('param-text_proj-out');
    await field.fill('40');
    await field.press('Enter');
    await expect.poll(() => label(page, 'text_proj.y->text_act.x').textContent()).toBe('B×40');
    await expect.poll(() => label(page, 'fuse.h->norm.x').textContent()).toBe('B×64');

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => label(page, 'fuse.h->norm.x').textContent()).toBe('B×48');
    expect(await field.inputValue()).toBe('24');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => label(page, 'fuse.h->norm.x').textContent()).toBe('B×64');
    await page.getByTestId('btn-undo').click();
    await expect.poll(() => label(page, 'fuse.h->norm.x').textContent()).toBe('B×48');
    await page.keyboard.press('Control+y');
    await expect.poll(() => label(page, 'fuse.h->norm.x').textContent()).toBe('B×64');

    // A drag is one undo step, however many frames it took.
    const before = JSON.stringify(await docOf(page));
    const header = page.getByTestId('node-norm').locator('.mf-node__title');
    const p = await center(header);
    await page.mouse.move(p.x, p.y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(p.x + i * 6, p.y + i * 4);
    await page.mouse.up();
    await expect.poll(async () => JSON.stringify(await docOf(page)) !== before).toBe(true);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await docOf(page))).toBe(before);
  });

  it('saves and reopens to the identical document; a bad file changes nothing', async () => {
    const page = await start();
    await page.getByTestId('param-head-classes').fill('7');
    await page.getByTestId('param-head-classes').press('Enter');
    const save = async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-save').click()]);
      return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
    };
    const first = await save();
    expect(first.name).toBe('late-fusion-classifier.json');
    const edited = await docOf(page);
    expect(JSON.parse(first.text)).toEqual(edited);

    await newDocument(page);
    await page.getByTestId('open-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "format": "modalflow.graph",\n  "version": 1,\n  nodes: []\n}') });
    const report = page.getByTestId('report-dialog');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/MF_INVALID_JSON.*line 4, column 3/);
    await page.keyboard.press('Escape');
    await page.getByTestId('open-input').setInputFiles({ name: 'bad-id.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"modalflow.graph","version":1,"nodes":[{"id":"a.b","type":"layer.linear","typeVersion":1}]}') });
    await report.waitFor();
    expect(await report.textContent()).toMatch(/MF_SCHEMA.*node "a\.b".*\/nodes\/0\/id/);
    await page.keyboard.press('Escape');
    expect(((await docOf(page)) as { nodes: unknown[] }).nodes).toEqual([]);

    await page.getByTestId('open-input').setInputFiles({ name: first.name, mimeType: 'application/json', buffer: Buffer.from(first.text) });
    await page.getByTestId('node-head').waitFor();
    expect(await docOf(page)).toEqual(edited);
    const second = await save();
    expect(second.text).toBe(first.text);
  });

  it('finds the autosaved graph after a reload', async () => {
    const page = await start();
    await newDocument(page);
    await dropFromPalette(page, 'fusion.gated', 400, 300);
    await page.getByTestId('node-gated').waitFor();
    await page.getByTestId('status-autosave').waitFor();
    await page.reload();
    await page.getByTestId('node-gated').waitFor();
    expect(((await docOf(page)) as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toEqual(['gated']);
  });

  it('opens an example from the gallery', async () => {
    const page = await start();
    await newDocument(page);
    await page.getByTestId('btn-examples').click();
    const card = page.getByTestId('example-late-fusion');
    await card.waitFor();
    expect(await card.textContent()).toContain('Late fusion classifier');
    expect(await card.textContent()).toContain('Two feature vectors');
    expect(await card.locator('svg rect').count()).toBe(11);
    await card.click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(11);
    expect(await page.getByTestId('doc-title').textContent()).toBe('Late fusion classifier');

    // The compiler runs in the page: the export is a zip of plan.json and the stage models, named
    // like the graph would be saved: an example is no file yet, so after its title.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-export').click()]);
    expect(download.suggestedFilename()).toBe('late-fusion-classifier-onnx.zip');
    const files = unzipSync(readFileSync((await download.path())!));
    const plan = JSON.parse(strFromU8(files['plan.json']!));
    expect(plan.format).toBe('modalflow.plan');
    expect(Object.keys(files).filter((f) => f.endsWith('.onnx')).length).toBe(plan.stages.filter((st: { kind: string }) => st.kind === 'onnx').length);
  });

  it('opens a graph file dropped onto the canvas, and lays it out as one undo step', async () => {
    const page = await start();
    await newDocument(page);
    const text = readFileSync(new URL('../../../examples/late-fusion/graph.json', import.meta.url), 'utf8');
    await page.evaluate((content) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], 'dropped.json', { type: 'application/json' }));
      const canvas = document.querySelector('[data-testid="canvas"]')!;
      canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: 600, clientY: 400 }));
    }, text);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(11);
    expect(await page.getByTestId('doc-title').textContent()).toBe('Late fusion classifier');
    const before = JSON.stringify(await docOf(page));

    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('l');
    await expect.poll(async () => JSON.stringify(await docOf(page)) !== before, { timeout: 20_000 }).toBe(true);
    const laid = (await docOf(page)) as { nodes: { id: string; ui: { x: number } }[] };
    const x = (id: string) => laid.nodes.find((n) => n.id === id)!.ui.x;
    expect(x('text')).toBeLessThan(x('text_proj'));
    expect(x('fuse')).toBeLessThan(x('head'));
    await page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await docOf(page))).toBe(before);
  });

  it('offers only fitting node types for a wire dropped in empty space, and wires the choice', async () => {
    const page = await start();
    const from = await center(page.getByTestId('handle-norm-out-y'));
    await dragWire(page, from, { x: from.x + 60, y: from.y + 260 });
    const picker = page.getByTestId('node-picker');
    await picker.waitFor();
    expect(await picker.getByTestId('picker-item-head.classifier').count()).toBe(1);
    expect(await picker.getByTestId('picker-item-text.tokenize_words').count()).toBe(0);
    expect(await picker.getByTestId('picker-item-input.text').count()).toBe(0);
    expect(await picker.getByTestId('picker-item-preprocess.image').count()).toBe(0);
    await page.getByTestId('node-picker-input').fill('activation');
    await page.keyboard.press('Enter');
    await expect.poll(() => label(page, 'norm.y->activation.x').textContent()).toBe('B×48');
  });

  it('adds a node by double-click search, copies it to another tab, and shows help', async () => {
    const page = await start();
    await newDocument(page);
    const canvas = await page.getByTestId('canvas').boundingBox();
    await page.mouse.dblclick(canvas!.x + 300, canvas!.y + 200);
    await page.getByTestId('node-picker-input').fill('layer norm');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-layer_norm').waitFor();

    await page.getByTestId('node-layer_norm').locator('.mf-node__title').click();
    await page.keyboard.press('Control+c');
    const other = await session!.context.newPage();
    await other.goto(baseUrl);
    await other.getByTestId('btn-new').click();
    const box = await other.getByTestId('canvas').boundingBox();
    await other.mouse.move(box!.x + 400, box!.y + 300);
    await other.mouse.click(box!.x + 400, box!.y + 300);
    await other.keyboard.press('Control+v');
    await other.getByTestId('node-layer_norm').waitFor();
    await other.keyboard.press('Control+v');
    await other.getByTestId('node-layer_norm_2').waitFor();

    await page.keyboard.press('Shift+?');
    await page.getByTestId('help-overlay').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('help-overlay').waitFor({ state: 'detached' });

    await page.getByTestId('btn-theme').click();
    const theme = await page.evaluate(() => document.documentElement.dataset['theme']);
    await page.getByTestId('btn-theme').click();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).not.toBe(theme);
  });
});
