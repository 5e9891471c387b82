import { memo, useEffect, useMemo, useState } from 'react';

type Katex = typeof import('katex').default;

let katex: Katex | null = null;
let loading: Promise<Katex> | null = null;

/** Loads KaTeX (a large module) the first time a formula is shown, not when the editor opens. */
export function loadFormulas(): Promise<Katex> {
  loading ??= import('katex').then((m) => (katex = m.default));
  return loading;
}

/** A node's TeX formula typeset by KaTeX; bad TeX shows as red source rather than breaking the panel. */
export const Formula = memo(function Formula({ tex, display = true }: { tex: string; display?: boolean }) {
  const [typeset, setTypeset] = useState<Katex | null>(katex);
  useEffect(() => {
    if (typeset) return;
    let live = true;
    void loadFormulas().then((k) => live && setTypeset(() => k));
    return () => {
      live = false;
    };
  }, [typeset]);
  const html = useMemo(
    () => typeset?.renderToString(tex, { displayMode: display, throwOnError: false, strict: 'ignore', output: 'html' }),
    [typeset, tex, display],
  );
  const cls = display ? 'mf-formula mf-formula--display' : 'mf-formula';
  // Until KaTeX arrives the source shows, so the text around it does not wait.
  return html === undefined ? <span className={cls}>{tex}</span> : <span className={cls} dangerouslySetInnerHTML={{ __html: html }} />;
});
