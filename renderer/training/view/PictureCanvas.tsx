/** A small canvas showing one {@link Picture}, scaled up with crisp pixels. */
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
