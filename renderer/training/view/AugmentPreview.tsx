/**
 * A live preview of augmentation: the same few training images, augmented by
 * core's `augmentBatch` with the current strengths, redrawn as they change.
 * Runs tfjs's cpu backend on this thread: a handful of small images is quick.
 */
import { useEffect, useState } from 'react';
import type { Dataset } from '../../../core/data/dataset';
import { mulberry32 } from '../../../core/data/random';
import { augmentBatch, augments } from '../../../core/train/augment';
import type { Augmentation } from '../../../core/train/settings';
import { PictureCanvas } from './PictureCanvas';
import { samplePicture, type Picture } from './pictures';
import { sampleValues } from '../run/run-data';

/** Images in the preview. */
const PREVIEW_IMAGES = 8;

async function augmentSamples(dataset: Dataset, augmentation: Augmentation, round: number): Promise<Picture[]> {
  // tfjs loads only when a preview is first wanted, so the editor starts without it.
  const tf = await import('@tensorflow/tfjs');
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const shape = dataset.inputShape as [number, number, number];
  const count = Math.min(PREVIEW_IMAGES, dataset.train.count);
  const size = shape[0] * shape[1] * shape[2];
  const values = new Float32Array(count * size);
  for (let i = 0; i < count; i++)
    values.set(
      Float32Array.from(sampleValues(dataset.train, shape, i), (v) => v / 255),
      i * size,
    );
  const out = tf.tidy(() =>
    augmentBatch(tf, tf.tensor4d(values, [count, ...shape]), augmentation, mulberry32(round + 1), 1),
  );
  const data = await out.data();
  out.dispose();
  return Array.from({ length: count }, (_, i) =>
    samplePicture(
      Uint8Array.from(data.subarray(i * size, (i + 1) * size), (v) => Math.round(v * 255)),
      shape,
    ),
  );
}

export function AugmentPreview({ dataset, augmentation }: { dataset: Dataset; augmentation: Augmentation }) {
  const [pictures, setPictures] = useState<Picture[] | null>(null);
  const [round, setRound] = useState(0);
  const on = augments(augmentation);
  useEffect(() => {
    if (!on) return;
    let current = true;
    augmentSamples(dataset, augmentation, round).then(
      (result) => current && setPictures(result),
      () => current && setPictures(null),
    );
    return () => {
      current = false;
    };
  }, [dataset, augmentation, round, on]);
  if (!on) return <p className="nc-muted">Augmentation is off: every epoch sees the images as they are.</p>;
  return (
    <div className="nc-augment-preview" data-testid="augment-preview">
      <div className="nc-sample-grid">
        {pictures?.map((picture, i) => (
          <PictureCanvas key={i} picture={picture} size={48} />
        ))}
      </div>
      <button onClick={() => setRound((r) => r + 1)}>Draw again</button>
    </div>
  );
}
