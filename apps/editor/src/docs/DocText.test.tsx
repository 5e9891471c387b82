// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../test/dom.ts';
import { DocText, summary } from './DocText.tsx';
import { Formula, loadFormulas } from './Formula.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());
beforeAll(() => loadFormulas());

describe('node documentation', () => {
  it('renders paragraphs, lists, code and inline maths without raw HTML', () => {
    const r = render(<DocText text={'Weight `weight` is **[out, in]**.\n\n- one <b>x</b>\n- two $a^2$'} />);
    cleanup = r.unmount;
    const root = r.container.querySelector('.mf-doc')!;
    expect(root.querySelectorAll('p')).toHaveLength(1);
    expect(root.querySelector('code')?.textContent).toBe('weight');
    expect(root.querySelector('strong')?.textContent).toBe('[out, in]');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    expect(root.querySelector('b')).toBeNull();
    expect(root.querySelector('li .katex')).not.toBeNull();
  });

  it('typesets formulas with KaTeX and survives bad TeX', () => {
    const r = render(
      <>
        <Formula tex={'y = x W^\\top + b'} />
        <Formula tex={'\\frac{'} />
      </>,
    );
    cleanup = r.unmount;
    const [good, bad] = r.container.querySelectorAll('.mf-formula');
    expect(good!.querySelector('.katex-display')).not.toBeNull();
    expect(bad!.textContent).toContain('\\frac{');
  });

  it('takes the first paragraph as the summary', () => {
    expect(summary('First line\ncontinues.\n\nSecond.')).toBe('First line continues.');
  });
});
