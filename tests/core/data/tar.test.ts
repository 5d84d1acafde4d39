import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../core/data/dataset';
import { readTar } from '../../../core/data/tar';

/** Files to archive: a short name, a nested one, a name longer than tar's 100-byte field, and an empty file. */
const LONG_DIR = 'a-directory-name-long-enough-that-the-whole-path-is-longer-than-one-hundred-bytes';
const FILES: Record<string, Uint8Array> = {
  'top/readme.txt': new TextEncoder().encode('hello tar\n'),
  'top/sub/data.bin': Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff),
  [`top/${LONG_DIR}/${'f'.repeat(30)}.bin`]: Uint8Array.from({ length: 513 }, (_, i) => 255 - (i & 0xff)),
  'top/empty': new Uint8Array(0),
};

/** A real archive of FILES made by GNU tar in the given format. */
function archive(format: 'gnu' | 'ustar' | 'pax', gzip = false): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-tar-'));
  for (const [path, bytes] of Object.entries(FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  const out = join(dir, gzip ? 'out.tar.gz' : 'out.tar');
  execFileSync('tar', [gzip ? '-czf' : '-cf', out, `--format=${format}`, '-C', dir, 'top']);
  return new Uint8Array(readFileSync(out));
}

describe('readTar', () => {
  it.each(['gnu', 'ustar', 'pax'] as const)('reads every file of a GNU tar archive in %s format', (format) => {
    const entries = readTar(archive(format), 'out.tar');
    const byPath = Object.fromEntries(entries.map((entry) => [entry.path, entry.bytes]));
    expect(Object.keys(byPath).sort()).toEqual(Object.keys(FILES).sort());
    for (const [path, bytes] of Object.entries(FILES)) expect(Array.from(byPath[path])).toEqual(Array.from(bytes));
  });

  it('reads a gunzipped .tar.gz', () => {
    const entries = readTar(gunzipSync(archive('gnu', true)), 'out.tar.gz');
    expect(entries.find((entry) => entry.path === 'top/readme.txt')!.bytes).toEqual(FILES['top/readme.txt']);
  });

  it('skips directories written as regular entries with a trailing slash (pre-POSIX archivers)', () => {
    const whole = archive('ustar').slice();
    // GNU tar wrote `top/` with type '5'; rewrite it as type '0' and fix the header checksum.
    expect(String.fromCharCode(whole[156])).toBe('5');
    whole[156] = 0x30;
    whole.fill(0x20, 148, 156);
    const sum = whole.subarray(0, 512).reduce((total, byte) => total + byte, 0);
    whole.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const paths = readTar(whole, 'old.tar').map((entry) => entry.path);
    expect(paths.sort()).toEqual(Object.keys(FILES).sort());
  });

  it('refuses a truncated archive, naming the entry', () => {
    const whole = archive('ustar');
    const entries = readTar(whole, 'x');
    const data = entries.find((entry) => entry.path === 'top/sub/data.bin')!;
    const cut = whole.subarray(0, data.bytes.byteOffset + 1000);
    expect(() => readTar(cut, 'cut.tar')).toThrow(DatasetError);
    expect(() => readTar(cut, 'cut.tar')).toThrow(
      /^cut\.tar: is truncated: top\/sub\/data\.bin should have 1500 bytes but the archive ends after 1000$/,
    );
  });

  it('refuses bytes that are not a tar archive', () => {
    const noise = Uint8Array.from({ length: 2048 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(() => readTar(noise, 'photo.jpg')).toThrow(
      /^photo\.jpg: is not a tar archive \(the first header has a wrong checksum\)$/,
    );
  });

  it('refuses a damaged header after the first', () => {
    const whole = archive('ustar').slice();
    const entries = readTar(whole, 'x');
    const second = entries[1];
    whole[second.bytes.byteOffset - 512 + 10] ^= 0xff; // flip a byte of the second entry's name
    expect(() => readTar(whole, 'bad.tar')).toThrow(
      new RegExp(
        `^bad\\.tar: has a damaged tar header at byte ${second.bytes.byteOffset - 512}, after ${entries[0].path}$`,
      ),
    );
  });
});
