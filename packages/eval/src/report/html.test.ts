import { describe, expect, it } from 'vitest';
import { renderReportHtml } from './html.ts';
import type { EvalReport } from './report.ts';

const report: EvalReport = {
  format: 'modalflow.eval-report',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  predictions: 'res.json',
  dataset: { format: 'vqa', file: 'q.json', rows: 2 },
  sections: [
    {
      task: 'vqa',
      metrics: { 'VQA accuracy': 66.666666 },
      breakdowns: [{ title: 'By answer type', columns: ['questions', 'accuracy'], rows: [{ key: 'yes/no', values: [2, 50] }] }],
      worst: [{ id: 7, score: 0, media: ['img/a <b>.jpg', 'clip.wav'], text: 'is it <red>?', prediction: 'no', expected: ['yes', 'yes & no'] }],
      skipped: [{ metric: 'SPICE', reason: 'needs Java' }],
      count: 2,
    },
  ],
};

describe('renderReportHtml', () => {
  it('shows metrics, breakdowns, skipped metrics and the worst examples with their pictures', () => {
    const html = renderReportHtml(report, (f) => `../${f}`);
    expect(html).toContain('<tr><th>VQA accuracy</th><td>66.67</td></tr>');
    expect(html).toContain('<h3>By answer type</h3>');
    expect(html).toContain('<tr><th>yes/no</th><td>2</td><td>50</td></tr>');
    expect(html).toContain('not computed: needs Java');
    expect(html).toContain('<img src="../img/a &lt;b&gt;.jpg"');
    expect(html).toContain('<a href="../clip.wav">clip.wav</a>');
    expect(html).toContain('is it &lt;red&gt;?');
    expect(html).toContain('yes<br>yes &amp; no');
    expect(html).not.toContain('<red>');
  });
});

describe('renderReportHtml without file access', () => {
  it('names the media files instead of linking them', () => {
    const html = renderReportHtml(report, () => null);
    expect(html).toContain('<code>img/a &lt;b&gt;.jpg</code>');
    expect(html).not.toContain('<img');
  });
});
