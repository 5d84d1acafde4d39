/**
 * A small reader for tar archives (ustar, GNU and pax), enough to open
 * `cifar-10-binary.tar.gz` in a browser or worker without unpacking it to disk.
 */
import { DatasetError, asUint8Array, type Bytes } from './dataset';

/** One regular file in a tar archive. */
export interface TarEntry {
  /** Path inside the archive, e.g. `cifar-10-batches-bin/data_batch_1.bin`. */
  path: string;
  /** The file's contents: a view into the archive's bytes, not a copy. */
  bytes: Uint8Array;
}

const BLOCK = 512;
const textDecoder = new TextDecoder();

/** A NUL-terminated string field of a header. */
function field(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return textDecoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** A numeric field: octal text, or GNU's base-256 form (high bit set) for sizes of 8 GiB and more. */
function numberField(header: Uint8Array, offset: number, length: number): number {
  if (header[offset] & 0x80) {
    let value = header[offset] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + header[offset + i];
    return value;
  }
  const text = field(header, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The header checksum: the byte sum with the checksum field itself counted as spaces. */
function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}

/** The `path` record of a pax extended header (`"<length> path=<value>\n"` records). */
function paxPath(data: Uint8Array): string | undefined {
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(textDecoder.decode(data.subarray(offset, space)), 10);
    if (!(length > 0)) break;
    const record = textDecoder.decode(data.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') return record.slice(equals + 1);
    offset += length;
  }
  return undefined;
}

/**
 * Lists the regular files of a tar archive (directories, links and metadata
 * entries are skipped), in archive order. Throws a {@link DatasetError} naming
 * `archiveName` when a header's checksum is wrong or the archive ends inside an entry.
 *
 * @example
 * readTar(gunzipSync(bytes), 'cifar-10-binary.tar.gz').map((e) => e.path);
 * // ['cifar-10-batches-bin/data_batch_1.bin', …]
 */
export function readTar(archive: Bytes, archiveName: string): TarEntry[] {
  const data = asUint8Array(archive);
  const entries: TarEntry[] = [];
  let offset = 0;
  // GNU 'L' and pax 'x' entries name the entry that follows them.
  let nextPath: string | undefined;
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK);
    // Two zero blocks end the archive; one is enough to stop reading.
    if (header.every((byte) => byte === 0)) return entries;
    const storedChecksum = numberField(header, 148, 8);
    if (storedChecksum !== checksumOf(header)) {
      throw new DatasetError(
        archiveName,
        entries.length === 0
          ? 'is not a tar archive (the first header has a wrong checksum)'
          : `has a damaged tar header at byte ${offset}, after ${entries[entries.length - 1].path}`,
      );
    }
    const size = numberField(header, 124, 12);
    const type = String.fromCharCode(header[156]);
    let path = field(header, 0, 100);
    if (field(header, 257, 5) === 'ustar') {
      const prefix = field(header, 345, 155);
      if (prefix) path = `${prefix}/${path}`;
    }
    path = nextPath ?? path;
    const start = offset + BLOCK;
    const end = start + size;
    if (end > data.length) {
      throw new DatasetError(
        archiveName,
        `is truncated: ${path} should have ${size} bytes but the archive ends after ${data.length - start}`,
      );
    }
    const contents = data.subarray(start, end);
    nextPath = undefined;
    if (type === 'L') nextPath = field(contents, 0, contents.length);
    else if (type === 'x') nextPath = paxPath(contents);
    // Pre-POSIX archivers wrote directories as regular entries whose name ends in a slash.
    else if ((type === '0' || type === '\0' || type === '7') && !path.endsWith('/'))
      entries.push({ path, bytes: contents });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset !== data.length) {
    throw new DatasetError(archiveName, `is truncated: it ends inside a tar header at byte ${offset}`);
  }
  return entries;
}
