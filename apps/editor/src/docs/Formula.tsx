import { memo, useMemo } from 'react';
import katex from 'katex';

/** A node's TeX formula typeset by KaTeX; bad TeX shows as red source rather than breaking the panel. */
export const Formula = memo(function Formula({ tex, display = true }: { tex: string; display?: boolean }) {
  const html = useMemo(() => katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: 'ignore', output: 'html' }), [tex, display]);
  return <span className={display ? 'mf-formula mf-formula--display' : 'mf-formula'} dangerouslySetInnerHTML={{ __html: html }} />;
});
