/** The training engine: settings, data pipeline, augmentation, the training loop and evaluation. */
export * from './augment';
export * from './backends';
export * from './batches';
export * from './decision-boundary';
export * from './design-check';
export * from './evaluate';
export * from './layer-health';
export * from './memory';
export * from './metrics';
export * from './optimizers';
export * from './preprocess';
export * from './schedule';
export * from './session';
export * from './setting-fields';
export * from './settings';
