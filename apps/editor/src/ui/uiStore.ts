import type { Problem } from '@modalflow/core';
import type { EvalReport } from '@modalflow/eval';
import { createStore } from 'zustand/vanilla';
import type { PortMatch } from '@modalflow/document-ops';
import type { WireEnd, XY } from '../store/types.ts';

export type Theme = 'light' | 'dark';

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success';
  title: string;
  code?: string;
  detail?: string;
  /** A button in the toast (Undo, Go back); the toast stays up longer to leave time for it. */
  action?: { label: string; run: () => void };
  testId?: string;
}

/** The add-node search box: opened by double-click, or by dropping a wire on empty canvas. */
export interface PickerState {
  screen: XY;
  flow: XY;
  /** When set, only `matches` are offered and the chosen node is wired to this end. */
  link?: WireEnd;
  matches?: PortMatch[];
}

/** Problems to show in full: a file that did not open, a graph that did not compile. */
export interface Report {
  title: string;
  problems: Problem[];
}

export interface UiState {
  theme: Theme;
  notices: Notice[];
  picker: PickerState | null;
  helpOpen: boolean;
  galleryOpen: boolean;
  report: Report | null;
  /** An evaluation report opened from `modalflow eval`'s report.json. */
  evalReport: { name: string; report: EvalReport } | null;
  busy: string | null;
  savedAt: number | null;
  /** The node type whose documentation tooltip is showing, and where. */
  tooltip: { type: string; x: number; y: number } | null;
  /** Bumped to ask the canvas to fit the whole graph in view (after opening a document). */
  fitSeq: number;
  /** The run panel under the canvas, and its height in pixels. */
  runOpen: boolean;
  runHeight: number;
  /** Width of the run panel's inputs and stages columns together; the results take the rest. */
  runSideWidth: number;
  /** The train panel, in the same place as the run panel; opening one closes the other. */
  trainOpen: boolean;
  /** The overview map in the canvas' corner; fitting keeps nodes clear of it while it shows. */
  minimapOpen: boolean;
  notify(n: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
  set(patch: Partial<Omit<UiState, 'notify' | 'dismiss' | 'set'>>): void;
}

let nextNotice = 1;

export function createUiStore(theme: Theme) {
  return createStore<UiState>()((set) => ({
    theme,
    notices: [],
    picker: null,
    helpOpen: false,
    galleryOpen: false,
    report: null,
    evalReport: null,
    busy: null,
    savedAt: null,
    tooltip: null,
    fitSeq: 0,
    runOpen: false,
    trainOpen: false,
    minimapOpen: true,
    runSideWidth: 590,
    runHeight: typeof window === 'undefined' ? 440 : Math.max(380, Math.round(window.innerHeight * 0.46)),
    notify(n) {
      const notice = { ...n, id: nextNotice++ };
      // Keep a short queue: a burst of refused connections should not bury the canvas.
      set((s) => ({ notices: [...s.notices.slice(-3), notice] }));
    },
    dismiss(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },
    set(patch) {
      set(patch);
    },
  }));
}

export type UiStore = ReturnType<typeof createUiStore>;
