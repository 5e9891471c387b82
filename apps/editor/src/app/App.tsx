import { Suspense, lazy, useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas.tsx';
import { MinimapDock } from '../canvas/MinimapDock.tsx';
import { NodePicker } from '../canvas/NodePicker.tsx';
import { DocTooltip } from '../docs/DocTooltip.tsx';
import { Inspector } from '../docs/Inspector.tsx';
import { Palette } from '../palette/Palette.tsx';
import type { Runner } from '../run/runner.ts';
import type { Trainer } from '../train/trainer.ts';
import type { EditorStore } from '../store/createEditorStore.ts';
import { HelpOverlay } from '../ui/HelpOverlay.tsx';
import { ReportDialog } from '../ui/ReportDialog.tsx';
import { EvalReportDialog } from '../ui/EvalReportDialog.tsx';
import { StatusBar } from '../ui/StatusBar.tsx';
import { applyTheme } from '../ui/theme.ts';
import { Toasts } from '../ui/Toasts.tsx';
import { Toolbar } from '../ui/Toolbar.tsx';
import type { UiStore } from '../ui/uiStore.ts';
import { useActions } from './actions.ts';
import { EditorProvider, useUi } from './context.tsx';
import { useGlobalKeys } from './useGlobalKeys.ts';

// The run and train panels bring media decoders, charts and training data: loaded when first opened,
// so opening the editor parses none of it.
const RunPanel = lazy(() => import('../run/RunPanel.tsx').then((m) => ({ default: m.RunPanel })));
const TrainPanel = lazy(() => import('../train/TrainPanel.tsx').then((m) => ({ default: m.TrainPanel })));
// The gallery holds every example graph as text: loaded when first opened.
const Gallery = lazy(() => import('../documents/Gallery.tsx').then((m) => ({ default: m.Gallery })));

function useTheme() {
  const theme = useUi((s) => s.theme);
  useEffect(() => applyTheme(theme), [theme]);
}

function Shell() {
  const actions = useActions();
  const runOpen = useUi((s) => s.runOpen);
  const trainOpen = useUi((s) => s.trainOpen);
  const galleryOpen = useUi((s) => s.galleryOpen);
  useGlobalKeys(actions);
  useTheme();
  return (
    <div className="mf-app">
      <Toolbar actions={actions} />
      <main className="mf-main">
        <Palette />
        <div className="mf-center">
          <Canvas />
          <Suspense fallback={null}>
            {runOpen && <RunPanel />}
            {trainOpen && !runOpen && <TrainPanel />}
          </Suspense>
        </div>
        <div className="mf-side">
          <Inspector />
          <MinimapDock />
        </div>
      </main>
      <StatusBar />
      <NodePicker />
      <DocTooltip />
      {galleryOpen && (
        <Suspense fallback={null}>
          <Gallery />
        </Suspense>
      )}
      <HelpOverlay />
      <ReportDialog />
      <EvalReportDialog />
      <Toasts />
    </div>
  );
}

export function App({ editor, ui, runner, trainer }: { editor: EditorStore; ui: UiStore; runner: Runner; trainer: Trainer }) {
  return (
    <EditorProvider editor={editor} ui={ui} runner={runner} trainer={trainer}>
      <ReactFlowProvider>
        <Shell />
      </ReactFlowProvider>
    </EditorProvider>
  );
}
