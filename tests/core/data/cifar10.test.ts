import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES, cifar10Dataset, cifar10FromTarGz, parseCifar10Batch } from '../../../core/data/cifar10';
import { DatasetError, classCounts } from '../../../core/data/dataset';
import { cifarBatch, cifarPixel, cyclingLabels } from '../../fixtures-gen/cifar10';

const PER_BATCH = 20;
const META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';

/** A CIFAR-10 folder in the real binary format, 20 records per batch; record numbers run on across the batches. */
function cifarFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (let b = 1; b <= 5; b++) {
    files[`data_batch_${b}.bin`] = cifarBatch(cyclingLabels(PER_BATCH, b), (b - 1) * PER_BATCH);
  }
  files['test_batch.bin'] = cifarBatch(cyclingLabels(PER_BATCH, 7), 1000);
  files['batches.meta.txt'] = new TextEncoder().encode(META);
  return files;
}

/** Index of channel c of pixel (y, x) of image n in NHWC order for 32×32×3 images. */
const nhwc = (n: number, y: number, x: number, c: number) => ((n * 32 + y) * 32 + x) * 3 + c;

describe('parseCifar10Batch', () => {
  it('turns the red, green and blue planes into interleaved NHWC pixels', () => {
    const file = cifarBatch([3, 8]);
    const batch = parseCifar10Batch(file, 'data_batch_1.bin');
    expect(batch.count).toBe(2);
    expect(Array.from(batch.labels)).toEqual([3, 8]);
    // Byte by byte from the record layout: label, R plane, G plane, B plane (each 32×32 row-major).
    expect(batch.images[0]).toBe(file[1]); // R of (0,0)
    expect(batch.images[1]).toBe(file[1 + 1024]); // G of (0,0)
    expect(batch.images[2]).toBe(file[1 + 2048]); // B of (0,0)
    expect(batch.images[3]).toBe(file[2]); // R of (0,1)
    expect(batch.images[32 * 3 + 2]).toBe(file[1 + 2048 + 32]); // B of (1,0)
    expect(batch.images[3072 + 5]).toBe(file[3073 + 1 + 2048 + 1]); // image 1: B of (0,1)
    for (const [n, y, x, c] of [
      [0, 31, 31, 2],
      [1, 17, 4, 0],
      [1, 0, 31, 1],
    ]) {
      expect(batch.images[nhwc(n, y, x, c)]).toBe(cifarPixel(n, y, x, c));
    }
  });

  it('refuses a truncated record, naming the file and the record', () => {
    const cut = cifarBatch(cyclingLabels(20)).subarray(0, 19 * 3073 + 1200);
    expect(() => parseCifar10Batch(cut, 'data_batch_4.bin')).toThrow(DatasetError);
    expect(() => parseCifar10Batch(cut, 'data_batch_4.bin')).toThrow(
      /^data_batch_4\.bin: record 19 is truncated: it has 1200 of 3073 bytes \(1 label \+ 3072 pixels\); the file has 59587 bytes, not a multiple of 3073$/,
    );
  });

  it('refuses a label outside the classes, naming the record', () => {
    const file = cifarBatch([1, 2, 3]);
    file[2 * 3073] = 12;
    expect(() => parseCifar10Batch(file, 'test_batch.bin')).toThrow(
      /^test_batch\.bin: record 2 has label 12, outside the class range 0–9$/,
    );
  });

  it('refuses an empty file', () => {
    expect(() => parseCifar10Batch(new Uint8Array(0), 'data_batch_1.bin')).toThrow(/^data_batch_1\.bin: is empty$/);
  });
});

describe('cifar10Dataset from a folder', () => {
  it('joins the five training batches in order and reads the test batch and class names', () => {
    const data = cifar10Dataset(cifarFiles());
    expect(data.inputShape).toEqual([32, 32, 3]);
    expect(data.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(data.train.count).toBe(5 * PER_BATCH);
    expect(data.test.count).toBe(PER_BATCH);
    expect(classCounts(data.train, 10)).toEqual(Array(10).fill(10));
    // Record 0 of data_batch_3 is training image 40; its label cycles from 3.
    expect(data.train.labels[40]).toBe(3);
    expect(data.train.images[nhwc(40, 9, 30, 1)]).toBe(cifarPixel(40, 9, 30, 1));
    expect(data.train.images[nhwc(99, 31, 0, 2)]).toBe(cifarPixel(99, 31, 0, 2));
    expect(data.test.labels[0]).toBe(7);
    expect(data.test.images[nhwc(5, 3, 3, 0)]).toBe(cifarPixel(1005, 3, 3, 0));
  });

  it('orders batches by number, not by name', () => {
    const files: Record<string, Uint8Array> = {
      'data_batch_10.bin': cifarBatch([9]),
      'data_batch_2.bin': cifarBatch([2]),
      'test_batch.bin': cifarBatch([0]),
    };
    expect(Array.from(cifar10Dataset(files).train.labels)).toEqual([2, 9]);
  });

  it('uses the standard names without batches.meta.txt and custom ones with it', () => {
    const files = cifarFiles();
    delete files['batches.meta.txt'];
    expect(cifar10Dataset(files).classNames[9]).toBe('truck');
    files['batches.meta.txt'] = new TextEncoder().encode('a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\nh\r\ni\r\nj\r\n');
    expect(cifar10Dataset(files).classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  });

  it('refuses labels past the names batches.meta.txt lists', () => {
    const files = { ...cifarFiles(), 'batches.meta.txt': new TextEncoder().encode('cat\ndog\n') };
    expect(() => cifar10Dataset(files)).toThrow(
      /^data_batch_1\.bin: record 1 has label 2, outside the class range 0–1$/,
    );
  });

  it('refuses a folder without a test batch or training batches', () => {
    const files = cifarFiles();
    delete files['test_batch.bin'];
    expect(() => cifar10Dataset(files, 'cifar10:/data')).toThrow(
      /^cifar10:\/data: has no test batch \(test_batch\.bin\); found: data_batch_1\.bin/,
    );
    expect(() => cifar10Dataset({ 'train.bin': cifarBatch([1]) })).toThrow(
      /^cifar10: has no training batch \(data_batch_1\.bin … data_batch_5\.bin\); found: train\.bin$/,
    );
  });

  it('names the batch of a truncated record by its full path', () => {
    const files = cifarFiles();
    const path = 'downloads/cifar-10-batches-bin/data_batch_2.bin';
    files[path] = files['data_batch_2.bin'].subarray(0, 3073 * 5 + 7);
    delete files['data_batch_2.bin'];
    expect(() => cifar10Dataset(files)).toThrow(
      /^downloads\/cifar-10-batches-bin\/data_batch_2\.bin: record 5 is truncated: it has 7 of 3073 bytes/,
    );
  });
});

describe('cifar10FromTarGz', () => {
  /** A real cifar-10-binary.tar.gz layout, made with GNU tar: cifar-10-batches-bin/ holding the files plus a readme. */
  function tarGz(files: Record<string, Uint8Array>): Uint8Array {
    const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cifar-'));
    mkdirSync(join(dir, 'cifar-10-batches-bin'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, 'cifar-10-batches-bin', name), bytes);
    writeFileSync(join(dir, 'cifar-10-batches-bin', 'readme.html'), '<p>CIFAR-10</p>');
    execFileSync('tar', ['-czf', join(dir, 'cifar-10-binary.tar.gz'), '-C', dir, 'cifar-10-batches-bin']);
    return new Uint8Array(readFileSync(join(dir, 'cifar-10-binary.tar.gz')));
  }

  it('reads the archive straight to the same dataset as the folder', () => {
    const files = cifarFiles();
    const fromArchive = cifar10FromTarGz(tarGz(files));
    const fromFolder = cifar10Dataset(files);
    expect(fromArchive.train.count).toBe(100);
    expect(Array.from(fromArchive.train.labels)).toEqual(Array.from(fromFolder.train.labels));
    // Byte-for-byte equal (Buffer.equals: a deep toEqual over 300,000 elements takes seconds).
    expect(Buffer.from(fromArchive.train.images).equals(Buffer.from(fromFolder.train.images))).toBe(true);
    expect(Buffer.from(fromArchive.test.images).equals(Buffer.from(fromFolder.test.images))).toBe(true);
    expect(fromArchive.classNames).toEqual(CIFAR10_CLASS_NAMES);
  });

  it('names the archive and member of a truncated batch', () => {
    const files = {
      ...cifarFiles(),
      'data_batch_3.bin': cifarFiles()['data_batch_3.bin'].subarray(0, 3073 * 19 + 100),
    };
    expect(() => cifar10FromTarGz(tarGz(files))).toThrow(
      /^cifar-10-binary\.tar\.gz\/cifar-10-batches-bin\/data_batch_3\.bin: record 19 is truncated: it has 100 of 3073 bytes/,
    );
  });

  it('refuses a truncated download', () => {
    const whole = tarGz(cifarFiles());
    expect(() => cifar10FromTarGz(whole.subarray(0, whole.length >> 1), 'partial.tar.gz')).toThrow(
      /^partial\.tar\.gz: /,
    );
  });

  it('reads an uncompressed tar too, told apart by content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cifar-tar-'));
    mkdirSync(join(dir, 'cifar-10-batches-bin'));
    for (const [name, bytes] of Object.entries(cifarFiles()))
      writeFileSync(join(dir, 'cifar-10-batches-bin', name), bytes);
    execFileSync('tar', ['-cf', join(dir, 'c.tar'), '-C', dir, 'cifar-10-batches-bin']);
    const data = cifar10FromTarGz(new Uint8Array(readFileSync(join(dir, 'c.tar'))), 'c.tar');
    expect(data.train.count).toBe(100);
    expect(data.test.images[nhwc(19, 31, 31, 2)]).toBe(cifarPixel(1019, 31, 31, 2));
  });
});
