import { createContext, useContext, type ReactNode } from 'react';
import { useStore as useFlowStore } from '@xyflow/react';

/** Below this zoom text is unreadable, so nodes draw as glyphs and wires lose their labels. */
export const DETAIL_ZOOM = 0.45;

const DetailContext = createContext(true);

/**
 * Reads the zoom once for the whole canvas and hands nodes and edges a boolean: they re-render
 * when it flips, instead of each running a selector on every pan and drag frame.
 */
export function DetailProvider({ children }: { children: ReactNode }) {
  const detail = useFlowStore((s) => s.transform[2] >= DETAIL_ZOOM);
  return <DetailContext.Provider value={detail}>{children}</DetailContext.Provider>;
}

export const useDetail = () => useContext(DetailContext);
