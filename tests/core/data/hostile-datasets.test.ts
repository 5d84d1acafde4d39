/**
 * Dataset inputs an attacker or a careless download would produce, through
 * the readers a user's `--dataset` flag (and the desktop's dataset picker)
 * reaches: file-system traps (symbolic link loops, paths through files,
 * FIFOs), gzip bombs, images that declare gigapixels, prototype-named class
 * folders, damaged labels and empty splits. Each is refused with one line
 * naming the path, before anything large is allocated.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { gzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../cli/datasets-node';
import { decodeImageNode } from '../../../cli/image-decode-node';
import { compileGraph } from '../../../core/compile/compile';
import { DatasetError } from '../../../core/data/dataset';
import { datasetFromFiles } from '../../../core/data/dataset-files';
import { gunzipIfNeeded } from '../../../core/data/gzip';
import { readImageHeader } from '../../../core/data/image-header';
import { imageFolderDataset } from '../../../core/data/image-folder';
import { GraphBuilder } from '../../../core/graph/builder';
import { train, TrainingError } from '../../../core/train/session';
import { idxImages, idxLabels } from '../../fixtures-gen/idx';

const tempDir = () => mkdtempSync(join(tmpdir(), 'netcanvas-hostile-data-'));

function write(path: string, bytes: Uint8Array | string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
}

function png(width: number, height: number): Uint8Array {
  const image = new PNG({ width, height });
  image.data.fill(128);
  return new Uint8Array(PNG.sync.write(image));
}

/** A small PNG whose header claims `width × height` (the pixels themselves are a 1×1 image's). */
function pngClaiming(width: number, height: number): Uint8Array {
  const bytes = png(1, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint32(16, width, false);
  view.setUint32(20, height, false);
  return bytes;
}

/** A JPEG's markers up to a baseline frame header that declares `width × height`. */
function jpegClaiming(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment of 16 bytes, then SOF0: length 17, precision 8, height, width, 3 components.
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    0x4a,
    0x46,
    0x49,
    0x46,
    0x00,
    0x01,
    0x01,
    0x00,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
  ]);
}

/** A valid IDX set of 6 training and 2 test images in `dir`, with `replace` swapping files. */
function idxFolder(replace: Record<string, Uint8Array> = {}): string {
  const dir = tempDir();
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxImages(6, 4, 4),
    'train-labels-idx1-ubyte': idxLabels([0, 1, 0, 1, 0, 1]),
    't10k-images-idx3-ubyte': idxImages(2, 4, 4),
    't10k-labels-idx1-ubyte': idxLabels([0, 1]),
    ...replace,
  };
  for (const [name, bytes] of Object.entries(files)) write(join(dir, name), bytes);
  return dir;
}

describe('file-system traps become one line naming the path', () => {
  it.each([
    [
      'a symbolic link loop',
      (dir: string) => (symlinkSync('loop', join(dir, 'loop')), join(dir, 'loop')),
      /loop: the path goes round a loop of symbolic links$/,
    ],
    [
      'a path through a file',
      (dir: string) => (write(join(dir, 'file'), 'x'), join(dir, 'file', 'data')),
      /file\/data: a part of the path is a file, not a folder$/,
    ],
    [
      'a link to nowhere',
      (dir: string) => (symlinkSync(join(dir, 'gone'), join(dir, 'dangling')), join(dir, 'dangling')),
      /dangling: no such file or folder$/,
    ],
    [
      'a file where a folder belongs',
      (dir: string) => (write(join(dir, 'f'), 'x'), join(dir, 'f')),
      /f: is a file, expected a folder$/,
    ],
  ])('%s', async (_, make, message) => {
    const target = make(tempDir());
    for (const kind of ['idx', 'folder'] as const) {
      const attempt = loadDataset(`${kind}:${target}`, { imageShape: [4, 4, 1] });
      await expect(attempt).rejects.toThrow(DatasetError);
      await expect(loadDataset(`${kind}:${target}`, { imageShape: [4, 4, 1] })).rejects.toThrow(message);
    }
  });

  it('a FIFO named as the CIFAR-10 archive is refused, not read forever', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'cifar.tar.gz')]);
    await expect(loadDataset(`cifar10:${join(dir, 'cifar.tar.gz')}`)).rejects.toThrow(
      /cifar\.tar\.gz: is neither a file nor a folder$/,
    );
  });

  it('a symbolic link loop inside a class folder is skipped, not followed', async () => {
    const dir = tempDir();
    for (const cls of ['a', 'b']) for (const i of [1, 2, 3, 4, 5]) write(join(dir, cls, `${i}.png`), png(2, 2));
    symlinkSync('self.png', join(dir, 'a', 'self.png'));
    const data = await loadDataset(`folder:${dir}`, { imageShape: [2, 2, 1] });
    expect(data.train.count + data.test.count).toBe(10);
  });
});

describe('decompression is bounded before and while it allocates', () => {
  const zeros = (bytes: number) => gzipSync(new Uint8Array(bytes), { level: 9 });

  it('refuses a file that declares more than the limit, before unpacking it', () => {
    const bomb = zeros(8 * 1024 ** 2); // 8 MiB of zeros in about 8 KB
    expect(() => gunzipIfNeeded(bomb, 'bomb.gz', 1024 ** 2)).toThrow(
      'bomb.gz: would unpack to 8 MiB; NetCanvas unpacks at most 1 MiB per file',
    );
  });

  it('cuts off a bomb whose trailer lies (many gzip parts, or over 4 GiB): the 2 MB file of the report', () => {
    // 2,000 parts of 1 MiB of zeros: 2 MB on disk, 2 GiB unpacked, and the trailer claims 1 MiB.
    const part = zeros(1024 ** 2);
    const bomb = new Uint8Array(part.length * 2000);
    for (let i = 0; i < 2000; i++) bomb.set(part, i * part.length);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => gunzipIfNeeded(bomb, 'train-images-idx3-ubyte.gz')).toThrow(
      'train-images-idx3-ubyte.gz: unpacks to more than the 1 MiB it declares: it is damaged, made of several gzip parts, or over 4 GiB',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 ** 2);
  });

  it('the same bomb as an IDX file on disk is refused naming the file', async () => {
    const part = zeros(1024 ** 2);
    const bomb = new Uint8Array(part.length * 50);
    for (let i = 0; i < 50; i++) bomb.set(part, i * part.length);
    const dir = idxFolder();
    write(join(dir, 'train-images-idx3-ubyte.gz'), bomb);
    execFileSync('rm', [join(dir, 'train-images-idx3-ubyte')]);
    await expect(loadDataset(`idx:${dir}`)).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: unpacks to more than the 1 MiB it declares/,
    );
  });
});

describe('images are measured from their header before decoding', () => {
  it.each([
    ['PNG', pngClaiming(20_000, 20_000)],
    ['JPEG', jpegClaiming(20_000, 20_000)],
  ])('a %s that declares 20000×20000 pixels is refused before any pixel is allocated', async (_, bytes) => {
    expect(readImageHeader(bytes)).toMatchObject({ width: 20_000, height: 20_000 });
    const classes = { a: [{ name: 'huge', bytes }], b: [{ name: 'ok.png', bytes: png(2, 2) }] };
    await expect(
      imageFolderDataset(classes, { inputShape: [2, 2, 1], decode: decodeImageNode, testFraction: 0 }),
    ).rejects.toThrow('a/huge: declares 20000×20000 pixels; NetCanvas decodes images of 1 to 67,108,864 pixels');
    await expect(decodeImageNode(bytes, 'huge')).rejects.toThrow(
      'huge declares 20000×20000 pixels, over the 67,108,864 NetCanvas decodes',
    );
  });

  it('a PNG that declares 0×0 pixels is refused too', async () => {
    const classes = { a: [{ name: 'empty.png', bytes: pngClaiming(0, 0) }], b: [{ name: 'ok.png', bytes: png(2, 2) }] };
    await expect(
      imageFolderDataset(classes, { inputShape: [2, 2, 1], decode: decodeImageNode, testFraction: 0 }),
    ).rejects.toThrow(/a\/empty\.png: declares 0×0 pixels/);
  });
});

describe('names and numbers from the files', () => {
  it('class folders named after prototype keys are just classes', async () => {
    const files = ['constructor', '__proto__', 'toString'].flatMap((cls) =>
      [1, 2, 3, 4, 5].map((i) => ({ path: `${cls}/${i}.png`, data: png(2, 2) })),
    );
    const data = await datasetFromFiles('image-folder', 'protos', files, {
      imageShape: [2, 2, 1],
      decode: decodeImageNode,
    });
    expect(data.classNames).toEqual(['__proto__', 'constructor', 'toString']);
    expect(data.train.count + data.test.count).toBe(15);
  });

  it('an IDX label of 2³¹ − 1 is refused before a name is made for every class up to it', async () => {
    const labels = new Uint8Array(idxLabels([0, 1, 0, 1, 0, 1]));
    const int32Labels = new Uint8Array(8 + 6 * 4);
    const view = new DataView(int32Labels.buffer);
    int32Labels[2] = 0x0c; // int32 values
    int32Labels[3] = 1;
    view.setUint32(4, 6, false);
    [0, 1, 0, 1, 0, 2 ** 31 - 1].forEach((v, i) => view.setInt32(8 + 4 * i, v, false));
    const dir = idxFolder({ 'train-labels-idx1-ubyte': int32Labels });
    await expect(loadDataset(`idx:${dir}`)).rejects.toThrow(
      /train-labels-idx1-ubyte: has label 2147483647; NetCanvas trains at most 65,536 classes/,
    );
    expect(labels.length).toBe(14);
  });
});

describe('empty splits', () => {
  it('an empty test/ folder is refused by the reader', async () => {
    await expect(
      imageFolderDataset(
        { a: [{ name: '1.png', bytes: png(2, 2) }], b: [{ name: '2.png', bytes: png(2, 2) }] },
        { inputShape: [2, 2, 1], decode: decodeImageNode, test: {}, name: 'pets' },
      ),
    ).rejects.toThrow(
      'pets/test: holds no test images; put images in test/<class>/ or leave test/ out to hold out a share of each class',
    );
  });

  it('too few images to hold any out for testing is refused by the reader', async () => {
    await expect(
      imageFolderDataset(
        { a: [{ name: '1.png', bytes: png(2, 2) }], b: [{ name: '2.png', bytes: png(2, 2) }] },
        { inputShape: [2, 2, 1], decode: decodeImageNode, name: 'pets' },
      ),
    ).rejects.toThrow('pets: has too few images to hold out a test share of 0.2; add images or a test/ folder');
  });

  it('training refuses a dataset whose test split is empty, before the first step', async () => {
    await tf.setBackend('cpu');
    const data = await loadDataset(
      `idx:${idxFolder({ 't10k-images-idx3-ubyte': idxImages(0, 4, 4), 't10k-labels-idx1-ubyte': idxLabels([]) })}`,
    );
    expect(data.test.count).toBe(0);
    const b = new GraphBuilder();
    b.layer(
      'Dense',
      { units: 2, activation: 'softmax' },
      b.layer('Flatten', {}, b.input([4, 4, 1], 'x'), 'flat'),
      'out',
    );
    const model = compileGraph(b.build(), tf);
    let steps = 0;
    const run = train(
      tf,
      model,
      data,
      { epochs: 1, batchSize: 2, validationSplit: 0 },
      { onBatchEnd: () => void steps++ },
    );
    await expect(run).rejects.toThrow(TrainingError);
    await expect(train(tf, model, data, { epochs: 1, validationSplit: 0 })).rejects.toThrow(
      'The test split has no samples',
    );
    expect(steps).toBe(0);
    model.dispose();
  });
});
