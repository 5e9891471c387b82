import { Fragment, memo, type ReactNode } from 'react';
import { Formula } from './Formula.tsx';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\$[^$\n]+\$|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;

function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, i) => {
    if (i % 2 === 0) return <Fragment key={i}>{part}</Fragment>;
    if (part.startsWith('`')) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**')) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('$')) return <Formula key={i} tex={part.slice(1, -1)} display={false} />;
    return <em key={i}>{part.slice(1, -1)}</em>;
  });
}

/** The first paragraph of a node's Markdown doc: its one-line summary. */
export function summary(doc: string): string {
  return doc.trim().split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ') ?? '';
}

/**
 * The small Markdown subset node docs use: paragraphs, `-` lists, code, bold, emphasis and `$TeX$`.
 * Built as React elements, never as HTML, so doc text cannot inject markup.
 */
export const DocText = memo(function DocText({ text }: { text: string }) {
  const blocks = text.trim().split(/\n\s*\n/).filter(Boolean);
  return (
    <div className="mf-doc">
      {blocks.map((block, i) => {
        const lines = block.split('\n');
        if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
          return (
            <ul key={i}>
              {lines.map((l, j) => (
                <li key={j}>{inline(l.replace(/^\s*[-*]\s+/, ''))}</li>
              ))}
            </ul>
          );
        }
        return <p key={i}>{inline(block.replace(/\s*\n\s*/g, ' '))}</p>;
      })}
    </div>
  );
});
