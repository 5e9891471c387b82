import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '@modalflow/onnx';
import { openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
let work: string | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
  if (work) rmSync(work, { recursive: true, force: true });
  work = null;
});

type Page = Session['page'];

const ROOT = new URL('../../../', import.meta.url);

/** The command line the panel shows, run for real in a fresh process (the repository's CLI from source), with --json. */
function runShownCommand(shown: string, graph: string): Promise<{ code: number | null; events: Record<string, unknown>[]; stderr: string }> {
  const words = (shown.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, '$1'));
  expect(words.slice(0, 2)).toEqual(['modalflow', 'train']);
  // The panel names the file the graph would be saved as; the lesson's graph is this one.
  const args = ['train', graph, ...words.slice(3), '--json'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('apps/cli/bin/modalflow.js', ROOT).pathname, ...args], { cwd: ROOT.pathname, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, events: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) }));
  });
}

interface TrainView {
  status: string;
  step: number;
  loss: number[];
  accuracy: (number | null)[];
  problems: string[];
  init: { file: string; loaded: string[]; seeded: string[]; unused: string[] } | null;
}

function trainState(page: Page): Promise<TrainView> {
  return page.evaluate(() => {
    const t = (
      window as unknown as {
        modalflow: { editor: { getState(): { train: { status: string; step: number; curves: { loss: number[] }; evals: { accuracy: (number | null)[] }; problems: { code: string; message: string }[] | null; init: TrainView['init'] } } } };
      }
    ).modalflow.editor.getState().train;
    return { status: t.status, step: t.step, loss: [...t.curves.loss], accuracy: [...t.evals.accuracy], problems: (t.problems ?? []).map((p) => `${p.code}: ${p.message}`), init: t.init };
  });
}

async function openLesson(page: Page, id: string) {
  await page.getByTestId('btn-examples').click();
  await page.getByTestId(`lesson-${id}`).click();
  await page.getByTestId('train-panel').waitFor();
  await page.getByTestId('train-provider').selectOption('wasm');
}

/**
 * Ends the run with Stop. A short lesson can finish on its own between reading its
 * state and the click, which leaves Stop disabled: a run that ended by itself counts.
 */
async function stopRun(page: Page) {
  const ended = page.locator('[data-testid=train-status]:is([data-status=stopped], [data-status=done], [data-status=failed])');
  const stop = page.getByTestId('train-stop');
  await expect
    .poll(async () => {
      if ((await ended.count()) > 0) return true;
      if (await stop.isEnabled()) await stop.click({ timeout: 1_000 }).catch(() => undefined);
      return (await ended.count()) > 0;
    }, { timeout: 60_000, interval: 250 })
    .toBe(true);
}

describe('lessons from the gallery', () => {
  it('opens the linear probe ready to train: CLIP weights carried by name, 5 pictures per shape, accuracy reported', async () => {
    session = await openEditor(baseUrl);
    const page = session.page;
    await openLesson(page, 'linear-probe');
    expect(await page.getByTestId('train-init-name').textContent()).toBe('initial weights: clip.safetensors');
    expect(await page.getByTestId('train-shots').inputValue()).toBe('5');
    expect(await page.getByTestId('train-cli').textContent()).toContain('--init examples/linear-probe/clip.safetensors --shots 5');
    await page.getByTestId('train-steps').fill('10');
    await page.getByTestId('train-eval-every').fill('5');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid=train-status]:is([data-status=done], [data-status=failed])').waitFor({ timeout: 120_000 });
    const t = await trainState(page);
    expect(t.status, t.problems.join('\n')).toBe('done');
    expect(t.step).toBe(10);
    // The encoder came from the file; only the new head kept its seeded values, as `modalflow train --init` reports.
    expect(t.init!.file).toBe('clip.safetensors');
    expect([...t.init!.seeded].sort()).toEqual(['probe.bias', 'probe.weight']);
    expect(t.init!.loaded.length).toBeGreaterThan(10);
    expect(t.init!.unused.some((n) => n.startsWith('text_encoder.'))).toBe(true);
    const report = page.getByTestId('train-init-report');
    expect(await report.getAttribute('data-seeded')).toBe(t.init!.seeded.join(','));
    expect(await report.textContent()).toContain(`${t.init!.loaded.length} weights carried by name from clip.safetensors; 2 seeded`);
    // Few-shot: 5 of each of the 4 shapes.
    expect(await page.getByTestId('train-setup').textContent()).toContain('20 training examples');
    const accuracy = Number(await page.getByTestId('train-accuracy').getAttribute('data-value'));
    console.log(`linear probe, 10 steps from clip.safetensors: held-out accuracy ${t.accuracy.map((a) => ((a ?? NaN) * 100).toFixed(1)).join(' -> ')}%`);
    expect(accuracy).toBe(t.accuracy.at(-1));
    // Measured 29.4% -> 33.8% -> 44.4% at steps 0, 5, 10 (chance 25%): the probe learns on the carried features.
    expect(t.accuracy.at(-1)!).toBeGreaterThan(t.accuracy[0]!);
    await page.getByTestId('train-panel').screenshot({ path: '/tmp/modalflow-shots/lesson-linear-probe.png' }).catch(() => undefined);

    // The command line the panel shows trains the same way: the same weights carried, the same
    // 20 pictures, the same losses (onnxruntime-node's cpu against wasm in the page).
    const shown = (await page.getByTestId('train-cli').textContent())!;
    const cli = await runShownCommand(shown, 'examples/linear-probe/graph.json');
    expect(cli.code, cli.stderr).toBe(0);
    const init = cli.events.find((e) => e['type'] === 'init') as { loaded: string[]; seeded: string[] };
    expect([...init.loaded].sort()).toEqual([...t.init!.loaded].sort());
    expect([...init.seeded].sort()).toEqual([...t.init!.seeded].sort());
    const losses = cli.events.filter((e) => e['type'] === 'step').map((e) => e['loss'] as number);
    console.log(`\`${shown}\`: page ${t.loss.map((l) => l.toFixed(5)).join(' ')}; command line ${losses.map((l) => l.toFixed(5)).join(' ')}; max difference ${Math.max(...losses.map((l, i) => Math.abs(l - t.loss[i]!))).toExponential(2)}`);
    expect(losses.length).toBe(10);
    losses.forEach((l, i) => expect(Math.abs(l - t.loss[i]!), `step ${i + 1}`).toBeLessThan(1e-4));
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
  }, 240_000);

  it('takes initial weights dropped in, and refuses a file with a weight of the wrong shape, naming the weight', async () => {
    const clip = readFileSync(new URL('../../../examples/linear-probe/clip.safetensors', import.meta.url));
    // The lesson's own file with one weight of the wrong shape, as a user might pick from another graph.
    const tensors = new Map(readSafetensors(clip).tensors);
    tensors.set('vision_post_ln.weight', { dtype: 'float32', dims: [3], data: new Float32Array(3) });
    work = mkdtempSync(join(tmpdir(), 'modalflow-init-'));
    const file = join(work, 'other.safetensors');
    writeFileSync(file, writeSafetensors(tensors));
    session = await openEditor(baseUrl);
    const page = session.page;
    await openLesson(page, 'linear-probe');
    // Dropped on "Start from": checked against the graph at once, and reported before any run.
    const dropped = await page.evaluateHandle(({ name, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name));
      return dt;
    }, { name: 'mine.safetensors', data: [...clip] });
    await page.getByTestId('train-init').dispatchEvent('drop', { dataTransfer: dropped });
    await expect.poll(() => page.getByTestId('train-init-name').textContent()).toBe('initial weights: mine.safetensors');
    expect(await page.getByTestId('train-init-report').textContent()).toMatch(/^\d+ weights carried by name from mine\.safetensors; 2 seeded \(probe\.weight, probe\.bias\)/);
    expect(await page.getByTestId('train-cli').textContent()).toContain('--init mine.safetensors --shots 5');
    await page.getByTestId('train-init-file').setInputFiles(file);
    const dialog = page.getByTestId('report-dialog');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('other.safetensors cannot start this graph');
    expect(text).toContain('"vision_post_ln.weight" in other.safetensors is float32 [3], but the graph declares float32 [32]');
    // The file chosen before stays the one training starts from.
    expect(await page.getByTestId('train-init-name').textContent()).toBe('initial weights: mine.safetensors');
  }, 60_000);

  it('every lesson trains from the gallery: Train gives a first loss, Stop ends the run', async () => {
    session = await openEditor(baseUrl);
    const page = session.page;
    await page.getByTestId('btn-examples').click();
    // The gallery loads when first shown: wait for its cards before listing them.
    await page.locator('[data-testid^=lesson-]').first().waitFor();
    const ids = (await page.locator('[data-testid^=lesson-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('lesson-'.length)))).filter(Boolean);
    await page.keyboard.press('Escape');
    expect(ids.length).toBeGreaterThanOrEqual(11);
    const failed: string[] = [];
    for (const id of ids) {
      const t0 = Date.now();
      await openLesson(page, id);
      await page.getByTestId('train-start').click();
      await expect
        .poll(async () => {
          const t = await trainState(page);
          return t.loss.length > 0 || t.status === 'failed' || t.status === 'done';
        }, { timeout: 120_000, interval: 250 })
        .toBe(true);
      await stopRun(page);
      const t = await trainState(page);
      console.log(`${id}: ${t.status} at step ${t.step}, first loss ${t.loss[0]?.toFixed(4)} after ${((Date.now() - t0) / 1000).toFixed(1)} s${t.init ? `, ${t.init.loaded.length} weights from ${t.init.file}` : ''}`);
      if (t.status === 'failed' || !Number.isFinite(t.loss[0])) failed.push(`${id}: ${t.status}; ${t.problems.join('; ')}`);
    }
    expect(failed).toEqual([]);
  }, 900_000);
});
