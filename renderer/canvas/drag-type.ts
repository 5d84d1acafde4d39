/** The drag-and-drop data type the palette sets: the layer type to add. */
export const LAYER_DRAG_TYPE = 'application/x-netcanvas-layer';
