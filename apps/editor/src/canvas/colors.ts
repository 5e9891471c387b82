import type { Category } from '@modalflow/core';

/** One hue per category, readable on both themes; the palette, nodes, minimap and thumbnails share it. */
export const CATEGORY_COLORS: Partial<Record<Category, string>> = {
  inputs: '#3b82f6',
  preprocessing: '#06b6d4',
  encoders: '#8b5cf6',
  pooling: '#14b8a6',
  fusion: '#ec4899',
  reasoning: '#f97316',
  heads: '#22c55e',
  losses: '#ef4444',
  outputs: '#64748b',
  layers: '#eab308',
};

/** Handle colours by core's `portKind`, so a wire's kind reads at a glance. */
export const PORT_KIND_COLORS: Record<string, string> = {
  text: '#f59e0b',
  ids: '#a855f7',
  mask: '#94a3b8',
  image: '#ec4899',
  sequence: '#06b6d4',
  vector: '#22c55e',
  tensor: '#64748b',
};

/** A stable hue for a category this build has no colour for, so new categories still read apart. */
function hashedColor(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 62% 52%)`;
}

export const categoryColor = (c: string | undefined) => (c ? (CATEGORY_COLORS[c as Category] ?? hashedColor(c)) : '#94a3b8');
export const portKindColor = (k: string) => PORT_KIND_COLORS[k] ?? PORT_KIND_COLORS['tensor']!;

const CATEGORY_LABELS: Partial<Record<Category, string>> = {
  inputs: 'Inputs',
  preprocessing: 'Preprocessing',
  encoders: 'Encoders',
  pooling: 'Pooling',
  fusion: 'Fusion',
  reasoning: 'Reasoning',
  heads: 'Heads',
  losses: 'Losses',
  outputs: 'Outputs',
  layers: 'Layers',
};

export const categoryLabel = (c: string) => CATEGORY_LABELS[c as Category] ?? c.charAt(0).toUpperCase() + c.slice(1);
