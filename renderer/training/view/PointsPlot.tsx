/**
 * A 2-D toy set as a scatter plot, with the model's decision regions drawn
 * underneath when there are some: the picture that shows a straight line
 * failing on the ring and a hidden layer bending around it. During a run the
 * regions are redrawn after every epoch; the canvas's `data-epochs` says which
 * epoch the picture on it shows.
 */
import { useEffect, useRef } from 'react';
import type { DatasetSplit } from '../../../core/data/dataset';
import { TOY_BOX_HALF_SIDE } from '../../../core/data/toy';
import { boundaryPicture, CLASS_COLOURS } from './pictures';
import type { Boundary } from '../run/run-state';

/** Points drawn at most, so a big set stays quick to draw. */
const MAX_POINTS = 1500;

export function PointsPlot({
  split,
  size,
  boundary,
  testId,
}: {
  split: DatasetSplit;
  size: number;
  boundary: Boundary | null;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    canvas.width = size;
    canvas.height = size;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size, size);
    const half = boundary?.halfSide ?? TOY_BOX_HALF_SIDE;
    if (boundary) {
      const picture = boundaryPicture(boundary);
      const cells = new OffscreenCanvas(picture.width, picture.height);
      cells
        .getContext('2d')
        ?.putImageData(
          new ImageData(picture.rgba as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height),
          0,
          0,
        );
      context.imageSmoothingEnabled = true;
      context.drawImage(cells, 0, 0, size, size);
    }
    const toPixel = (v: number) => ((v + half) / (2 * half)) * size;
    const count = Math.min(split.count, MAX_POINTS);
    for (let i = 0; i < count; i++) {
      const [r, g, b] = CLASS_COLOURS[split.labels[i] % CLASS_COLOURS.length];
      context.fillStyle = `rgb(${r} ${g} ${b})`;
      context.beginPath();
      context.arc(toPixel(split.images[2 * i]), size - toPixel(split.images[2 * i + 1]), 1.8, 0, Math.PI * 2);
      context.fill();
    }
    // Set once the picture is drawn, so whoever watches the attribute sees the regions it names.
    if (boundary) canvas.dataset.epochs = String(boundary.epochs);
    else delete canvas.dataset.epochs;
  }, [split, size, boundary]);
  return <canvas ref={ref} className="nc-points" style={{ width: size, height: size }} data-testid={testId} />;
}
