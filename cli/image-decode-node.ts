/**
 * The image decoder the command line hands to `imageFolderDataset`: PNG
 * through pngjs and JPEG through jpeg-js, both pure JavaScript so nothing
 * native has to build. The format is told by the file's first bytes.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { DecodedImage } from '../core/data/image-folder';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * Decodes a PNG (any bit depth or colour type, 16-bit scaled to 8) or a
 * baseline/progressive JPEG to RGBA pixels. Throws for anything else.
 */
export async function decodeImageNode(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      width: png.width,
      height: png.height,
      data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, data: image.data };
  }
  const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  // The caller prefixes the file's path, so the message itself says only what is wrong.
  throw new Error(`neither PNG nor JPEG (${name} starts with ${start || 'nothing'})`);
}
