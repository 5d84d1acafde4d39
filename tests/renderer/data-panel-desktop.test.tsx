// @vitest-environment jsdom
/**
 * On the desktop, picking CIFAR-10 or an image folder goes through the bridge:
 * the main process reads the files (with progress) and the panel hands them
 * on exactly as a browser's folder picker would.
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetFilesKind, NetCanvasBridge, OpenedDataset } from '../../electron/contract';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { DataPanel } from '../../renderer/training/view/DataPanel';
import type { PickedData } from '../../renderer/training/run/training-controller';
import { webBridge } from '../../renderer/web-bridge';
import { render, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

function desktopBridge(answer: OpenedDataset | null, asked: DatasetFilesKind[]): NetCanvasBridge {
  return {
    ...webBridge,
    host: 'desktop',
    async openDataset(kind, onProgress) {
      asked.push(kind);
      onProgress?.({ loadedBytes: 1, totalBytes: 2, file: 'a' });
      return answer;
    },
  };
}

function mount(bridge: NetCanvasBridge, chosen: [string, PickedData | undefined][]) {
  mounted = render(
    <EditorProvider store={new EditorStore()} bridge={bridge}>
      <DataPanel
        data={{ choice: null, dataset: null, loading: null, error: null }}
        limit={null}
        validationSplit={0.1}
        modelInput={[32, 32, 3]}
        disabled={false}
        onChoose={(choice, picked) => chosen.push([choice, picked])}
        onLimit={() => undefined}
      />
    </EditorProvider>,
  );
}

const bytes = (n: number) => new Uint8Array(n).buffer;

describe('the data panel on the desktop', () => {
  it('reads an image folder through the main process and groups it by class', async () => {
    const asked: DatasetFilesKind[] = [];
    const chosen: [string, PickedData | undefined][] = [];
    const opened: OpenedDataset = {
      kind: 'image-folder',
      name: 'pets',
      files: [
        { path: 'cat/1.png', data: bytes(3) },
        { path: 'cat/2.png', data: bytes(3) },
        { path: 'dog/1.jpg', data: bytes(4) },
      ],
    };
    mount(desktopBridge(opened, asked), chosen);
    await act(async () => mounted!.byTestId('dataset-folder')?.click());
    expect(asked).toEqual(['image-folder']);
    expect(chosen).toHaveLength(1);
    const [choice, picked] = chosen[0];
    expect(choice).toBe('folder');
    if (picked?.kind !== 'folder') throw new Error('expected an image folder');
    expect(picked.inputShape).toEqual([32, 32, 3]);
    expect(picked.grouped.root).toBe('pets');
    expect(
      Object.fromEntries(Object.entries(picked.grouped.train).map(([c, files]) => [c, files.map((f) => f.name)])),
    ).toEqual({
      cat: ['1.png', '2.png'],
      dog: ['1.jpg'],
    });
  });

  it('reads the CIFAR-10 archive through the main process, and does nothing when the dialog is cancelled', async () => {
    const asked: DatasetFilesKind[] = [];
    const chosen: [string, PickedData | undefined][] = [];
    const archive: OpenedDataset = {
      kind: 'cifar10-archive',
      name: 'cifar-10-binary.tar.gz',
      files: [{ path: 'cifar-10-binary.tar.gz', data: bytes(10) }],
    };
    mount(desktopBridge(archive, asked), chosen);
    await act(async () => mounted!.byTestId('dataset-cifar10')?.click());
    expect(asked).toEqual(['cifar10-archive']);
    expect(chosen.map(([c, p]) => [c, p?.kind === 'cifar10' ? p.files.map((f) => [f.name, f.size]) : null])).toEqual([
      ['cifar10', [['cifar-10-binary.tar.gz', 10]]],
    ]);
    mounted!.unmount();
    mounted = undefined;
    const none: [string, PickedData | undefined][] = [];
    mount(desktopBridge(null, asked), none);
    await act(async () => mounted!.byTestId('dataset-folder')?.click());
    expect(none).toEqual([]);
  });

  it('shows the main process’s refusal of a folder with nothing usable, in one line', async () => {
    const chosen: [string, PickedData | undefined][] = [];
    const refusing: NetCanvasBridge = {
      ...webBridge,
      host: 'desktop',
      openDataset: async () => {
        throw new Error(
          "Error invoking remote method 'netcanvas:open-dataset': DatasetPickError: /home/me/pets holds no PNG or JPEG images in one subfolder per class.",
        );
      },
    };
    mount(refusing, chosen);
    await act(async () => mounted!.byTestId('dataset-folder')?.click());
    expect(chosen).toEqual([]);
    expect(mounted!.byTestId('dataset-error')?.textContent).toBe(
      '/home/me/pets holds no PNG or JPEG images in one subfolder per class.',
    );
  });
});
