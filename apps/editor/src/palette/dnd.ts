/** Drag-and-drop payload type for a node type dragged from the palette. */
export const NODE_MIME = 'application/x-modalflow-node';
