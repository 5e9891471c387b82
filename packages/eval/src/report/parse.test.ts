import { describe, expect, it } from 'vitest';
import { isEvalReportText, parseEvalReport } from './parse.ts';

const report = {
  format: 'modalflow.eval-report',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  dataset: { format: 'nlvr2', file: 'dev.json', rows: 1 },
  sections: [{ task: 'nlvr2', metrics: { accuracy: 100 }, breakdowns: [], worst: [], skipped: [], count: 1 }],
};

describe('parseEvalReport', () => {
  it('reads a report and tells it from a graph', () => {
    const text = JSON.stringify(report, null, 1);
    expect(isEvalReportText(text)).toBe(true);
    expect(isEvalReportText('{"format": "modalflow.graph", "version": 1}')).toBe(false);
    expect(parseEvalReport(text, 'report.json')).toEqual(report);
  });

  it('names the field that is wrong', () => {
    const bad = { ...report, sections: [{ ...report.sections[0], metrics: { accuracy: 'high' } }] };
    expect(() => parseEvalReport(JSON.stringify(bad), 'report.json')).toThrow(/MF_DATA_FIELD: .*report\.json, at \/sections\/0\/metrics\/accuracy/);
  });
});
