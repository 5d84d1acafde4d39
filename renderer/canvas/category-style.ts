/**
 * Node colours by layer category, as Netron does: the category (from the
 * registry) decides the colour, never the layer type.
 */
import type { LayerCategory } from '../../core/layers/layer-spec';

/** Accent colour of each palette category, readable on light and dark backgrounds. */
export const CATEGORY_COLOR: Record<LayerCategory | 'unknown', string> = {
  input: '#6b7280',
  convolution: '#2563eb',
  pooling: '#0d9488',
  dense: '#7c3aed',
  activation: '#dc2626',
  normalization: '#d97706',
  regularization: '#db2777',
  reshape: '#65a30d',
  merge: '#0891b2',
  unknown: '#9ca3af',
};

/** Palette section titles. */
export const CATEGORY_TITLE: Record<LayerCategory, string> = {
  input: 'Input',
  convolution: 'Convolution',
  pooling: 'Pooling',
  dense: 'Fully connected',
  activation: 'Activation',
  normalization: 'Normalization',
  regularization: 'Regularization',
  reshape: 'Reshape',
  merge: 'Merge',
};
