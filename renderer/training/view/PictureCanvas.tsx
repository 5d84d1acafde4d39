/** Small canvases showing {@link Picture}s, scaled up with crisp pixels: one, or a grid of them. */
import { useEffect, useRef } from 'react';
import { paint, type Picture } from './pictures';

export function PictureCanvas({
  picture,
  size,
  title,
  className,
  testId,
}: {
  picture: Picture;
  size: number;
  title?: string;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => paint(ref.current, picture), [picture]);
  const aspect = picture.width / picture.height;
  return (
    <canvas
      ref={ref}
      className={`nc-picture ${className ?? ''}`}
      style={{ width: aspect >= 1 ? size : size * aspect, height: aspect >= 1 ? size / aspect : size }}
      title={title}
      data-testid={testId}
    />
  );
}

/** `count` pictures in a wrapping grid, the i-th drawn by `picture(i)` and titled `title(i)` (filters, channels). */
export function PictureGrid({
  count,
  picture,
  title,
  size,
  testId,
}: {
  count: number;
  picture: (index: number) => Picture;
  title: (index: number) => string;
  size: number;
  testId?: string;
}) {
  return (
    <div className="nc-sample-grid" data-testid={testId}>
      {Array.from({ length: count }, (_, i) => (
        <PictureCanvas key={i} picture={picture(i)} size={size} title={title(i)} />
      ))}
    </div>
  );
}
