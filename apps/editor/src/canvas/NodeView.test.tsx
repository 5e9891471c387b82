// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { EditorProvider } from '../app/context.tsx';
import { createEditorStore } from '../store/createEditorStore.ts';
import { createUiStore } from '../ui/uiStore.ts';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { render } from '../test/dom.ts';
import { NodeView } from './NodeView.tsx';
import { DetailProvider } from './detail.tsx';
import type { FlowNode } from './flowElements.ts';

beforeAll(() => {
  // React Flow measures nodes with ResizeObserver, which jsdom lacks; nothing here needs real sizes.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function mount(doc = chainDoc()) {
  const editor = createEditorStore({ registry: fixtureRegistry(), doc });
  const ui = createUiStore('light');
  const nodes: FlowNode[] = doc.nodes.map((n) => ({ id: n.id, type: 'mf', position: { x: 0, y: 0 }, data: { nodeType: n.type } }));
  const r = render(
    <EditorProvider editor={editor} ui={ui}>
      <ReactFlowProvider>
        <div style={{ width: 800, height: 600 }}>
          <DetailProvider>
            <ReactFlow nodes={nodes} edges={[]} nodeTypes={{ mf: NodeView }} />
          </DetailProvider>
        </div>
      </ReactFlowProvider>
    </EditorProvider>,
  );
  cleanup = r.unmount;
  return { ...r, editor };
}

describe('NodeView is built from the node definition', () => {
  it('shows title, id, typed handles and inferred shapes', () => {
    const { container } = mount();
    const lin = container.querySelector('[data-testid="node-lin"]')!;
    expect(lin.querySelector('.mf-node__title')?.textContent).toBe('Fixture linear');
    expect(lin.querySelector('.mf-node__id')?.textContent).toBe('lin');
    const input = lin.querySelector('[data-testid="handle-lin-in-x"]')!;
    const output = lin.querySelector('[data-testid="handle-lin-out-y"]')!;
    expect(input.classList).toContain('target');
    expect(output.classList).toContain('source');
    // Both carry B×… rank-2 values: core's portKind calls that a vector.
    expect(input.classList).toContain('mf-handle--vector');
    expect(lin.querySelector('.mf-port--out .mf-port__shape')?.textContent).toBe('B×4');
    expect(lin.querySelector('[data-testid="costs-lin"]')?.textContent).toContain('32 params');
    expect(lin.querySelector('[data-param="out"] input')).not.toBeNull();
    // An input node has no input handles; an output node no output handles.
    expect(container.querySelectorAll('[data-testid^="handle-in-in-"]')).toHaveLength(0);
    expect(container.querySelectorAll('[data-testid^="handle-out-out-"]')).toHaveLength(0);
  });

  it('shows a node\'s problems on it', () => {
    const doc = chainDoc();
    doc.edges = doc.edges.slice(1);
    const { container } = mount(doc);
    const problems = container.querySelector('[data-testid="problems-lin"]')!;
    expect(problems.textContent).toContain('MF_MISSING_INPUT');
    expect(container.querySelector('[data-testid="node-lin"]')!.classList).toContain('has-error');
  });
});
