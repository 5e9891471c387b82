import type { EvalReport, ReportSection } from './report.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Counts as they are; percentages to 2 places; scores below 10 (BLEU, CIDEr-D, AUC) to 4. */
export function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number.isFinite(v) ? (Math.abs(v) >= 10 ? v.toFixed(2) : v.toFixed(4)) : String(v);
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;

/** Turns a data-set file into a link the page can load, or null where the page cannot reach files. */
export type MediaHref = (file: string) => string | null;

function media(href: MediaHref, files: string[]): string {
  return files
    .map((f) => {
      const url = href(f);
      if (url === null) return `<code>${escape(f)}</code><br>`;
      return IMAGE.test(f) ? `<img src="${escape(url)}" alt="${escape(f)}" loading="lazy">` : `<a href="${escape(url)}">${escape(f)}</a>`;
    })
    .join('');
}

function section(s: ReportSection, href: MediaHref): string {
  const metrics = Object.entries(s.metrics)
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${formatMetric(v)}</td></tr>`)
    .join('');
  const skipped = s.skipped.map((x) => `<tr><th>${escape(x.metric)}</th><td class="skip">not computed: ${escape(x.reason)}</td></tr>`).join('');
  const breakdowns = s.breakdowns
    .map(
      (b) =>
        `<h3>${escape(b.title)}</h3><table><tr><th></th>${b.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>` +
        b.rows.map((r) => `<tr><th>${escape(r.key)}</th>${r.values.map((v) => `<td>${formatMetric(v)}</td>`).join('')}</tr>`).join('') +
        '</table>',
    )
    .join('');
  const worst = s.worst.length
    ? `<h3>Worst examples</h3><table class="examples"><tr><th>id</th><th>score</th><th>input</th><th>text</th><th>prediction</th><th>expected</th></tr>` +
      s.worst
        .map(
          (e) =>
            `<tr><td>${escape(String(e.id))}</td><td>${formatMetric(e.score)}</td><td>${media(href, e.media)}</td><td>${escape(e.text)}</td><td>${escape(e.prediction)}</td><td>${e.expected.map(escape).join('<br>')}</td></tr>`,
        )
        .join('') +
      '</table>'
    : '';
  return `<section><h2>${escape(s.task)} <small>(${s.count} examples)</small></h2><table>${metrics}${skipped}</table>${breakdowns}${worst}</section>`;
}

/**
 * A self-contained HTML page for a report. `href` turns a data-set file path into a link the
 * page can load (relative to where the page is written), or null to name the file instead.
 */
export function renderReportHtml(report: EvalReport, href: MediaHref = (f) => f): string {
  const title = `Evaluation of ${report.graph ?? report.predictions ?? 'predictions'} on ${report.dataset.file}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td{font-variant-numeric:tabular-nums}
img{max-width:160px;max-height:120px;margin-right:4px}.skip{color:#a60}small{color:#666;font-weight:normal}
</style></head><body>
<h1>${escape(title)}</h1>
<p>Data set: ${escape(report.dataset.format)} (${report.dataset.rows} rows). Written ${escape(report.createdAt)}.</p>
${report.sections.map((s) => section(s, href)).join('\n')}
</body></html>
`;
}
