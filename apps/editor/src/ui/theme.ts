import type { Theme } from './uiStore.ts';

const KEY = 'modalflow.editor.theme';

export function readTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage can be blocked (private mode, sandboxed frames); fall back to the system setting.
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, persist = true) {
  document.documentElement.dataset['theme'] = theme;
  if (!persist) return;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not persisting the theme is harmless.
  }
}
