/**
 * The browser's own image decoder, usable on the editor's thread and in a
 * worker alike (createImageBitmap and OffscreenCanvas exist in both), so the
 * dataset worker decodes image folders without touching the window.
 */
import { DatasetError } from '../../../core/data/dataset';
import type { DecodedImage } from '../../../core/data/image-folder';

/** Decodes an image with the browser's own decoder into RGBA pixels. */
export async function decodeWithBrowser(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  } catch {
    throw new DatasetError(name, 'is not an image this browser can decode');
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser offers no 2-D canvas to decode images with');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width, height, data };
}
