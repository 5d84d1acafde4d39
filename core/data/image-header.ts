/**
 * The size a PNG or JPEG declares, read from its header without decoding it.
 * Decoders allocate width × height × 4 bytes up front from these numbers, so
 * a 0.4 MB PNG that declares 20000×20000 pixels would take 1.6 GB before any
 * check on the decoded image could run; `image-folder.ts` checks the header first.
 */

/** What the header of an image file says. */
export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

/** PNG: the IHDR chunk comes first, width and height as big-endian 32-bit numbers. */
function pngHeader(bytes: Uint8Array): ImageHeader {
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 24 || ihdr !== 'IHDR') throw new Error('is a PNG without its IHDR header (truncated or damaged)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { format: 'png', width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/**
 * JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15 but
 * DHT, JPG and DAC), whose payload holds the height then the width.
 */
function jpegHeader(bytes: Uint8Array): ImageHeader {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new Error(`is a JPEG with a damaged segment at byte ${offset}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0–7, SOI, EOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2;
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (offset + 9 > bytes.length) break;
      const height = (bytes[offset + 5] << 8) | bytes[offset + 6];
      const width = (bytes[offset + 7] << 8) | bytes[offset + 8];
      return { format: 'jpeg', width, height };
    }
    if (length < 2) throw new Error(`is a JPEG with a damaged segment at byte ${offset}`);
    offset += 2 + length;
  }
  throw new Error('is a JPEG without a frame header (truncated or damaged)');
}

/**
 * The format and declared size of a PNG or JPEG. Throws an `Error` whose
 * message follows the file's name ("… is neither PNG nor JPEG") for anything
 * else or a header too damaged to read.
 *
 * @example
 * readImageHeader(pngBytes) // { format: 'png', width: 32, height: 32 }
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (startsWith(bytes, PNG_SIGNATURE)) return pngHeader(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpegHeader(bytes);
  const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`is neither PNG nor JPEG (it starts with ${start || 'nothing'})`);
}
