/**
 * The data panel: pick MNIST, a toy set, CIFAR-10 files or an image folder;
 * see loading progress, the sample shape, classes with their counts, the
 * train / validation / test split and a grid of samples; set how many
 * training samples to use.
 */
import { useMemo, useRef, useState } from 'react';
import type { Dataset } from '../../../core/data/dataset';
import type { DatasetFilesKind, DatasetProgress } from '../../../electron/contract';
import { bridgeErrorMessage } from '../../bridge';
import { useEditor } from '../../state/EditorContext';
import { BUILT_IN_DATASETS } from '../../../core/data/catalogue';
import { DATASET_CHOICES, toyName, type DatasetChoiceId } from '../../state/project-training';
import { groupImageFolder, relativePath } from '../run/datasets';
import { PictureCanvas } from './PictureCanvas';
import { samplePicture } from './pictures';
import { isImageData, planSplits, sampleValues, trainClassCounts } from '../run/run-data';
import type { DataState, PickedData } from '../run/training-controller';
import { PointsPlot } from './PointsPlot';

interface DataPanelProps {
  data: DataState;
  limit: number | null;
  validationSplit: number;
  /** The design's input shape, used to size an image folder's pictures. */
  modelInput: readonly number[] | null;
  disabled: boolean;
  onChoose(choice: DatasetChoiceId, picked?: PickedData): void;
  onLimit(limit: number | null): void;
}

/**
 * Where a choice's data come from, in one sentence: core's catalogue for the
 * built-in sets (CIFAR-10 names the file to download), the choice's own
 * description for an image folder, which is the user's.
 */
export function datasetSource(id: DatasetChoiceId): string {
  const toy = toyName(id);
  const entry = BUILT_IN_DATASETS.find((d) => d.id === (toy ? `toy:${toy}` : id));
  return entry?.source ?? `Your own images: ${DATASET_CHOICES.find((c) => c.id === id)?.detail ?? id}.`;
}

/** Samples shown in the preview grid. */
const PREVIEW_COUNT = 24;

export function DataPanel({ data, limit, validationSplit, modelInput, disabled, onChoose, onLimit }: DataPanelProps) {
  const cifarInput = useRef<HTMLInputElement>(null);
  const cifarFolder = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const dataset = data.dataset;
  // The source line follows the pointer and the keyboard over the buttons, so CIFAR-10's file is named before its picker opens.
  const [pointed, setPointed] = useState<DatasetChoiceId | null>(null);
  const shownSource = pointed ?? data.choice;

  const folderShape = (): [number, number, number] => {
    const [h, w, c] = modelInput ?? [];
    return modelInput?.length === 3 && (c === 1 || c === 3) ? [h, w, c] : [64, 64, 3];
  };

  const { bridge } = useEditor();
  const [hostProgress, setHostProgress] = useState<DatasetProgress | null>(null);
  const [hostError, setHostError] = useState<string | null>(null);

  /**
   * On the desktop the main process reads the picked folder or archive (with
   * progress); the files then take the same path as a browser's picker.
   */
  const readFromHost = async (kind: DatasetFilesKind): Promise<{ path: string; file: File }[]> => {
    setHostProgress({ loadedBytes: 0, totalBytes: 0, file: '' });
    setHostError(null);
    try {
      const opened = await bridge.openDataset(kind, setHostProgress);
      if (!opened) return [];
      return opened.files.map((f) => ({
        path: `${opened.name}/${f.path}`,
        file: new File([f.data], f.path.split('/').at(-1) ?? f.path),
      }));
    } catch (e) {
      // e.g. a folder with no dataset files in it; Electron prefixes the main process's message.
      setHostError(bridgeErrorMessage(e));
      return [];
    } finally {
      setHostProgress(null);
    }
  };
  const pickCifar = async (kind: 'cifar10' | 'cifar10-archive', input: HTMLInputElement | null) => {
    if (bridge.host !== 'desktop') return input?.click();
    const files = (await readFromHost(kind)).map((f) => f.file);
    if (files.length) onChoose('cifar10', { kind: 'cifar10', files });
  };
  const pickFolder = async () => {
    if (bridge.host !== 'desktop') return folderInput.current?.click();
    const files = await readFromHost('image-folder');
    if (files.length)
      onChoose('folder', { kind: 'folder', grouped: groupImageFolder(files), inputShape: folderShape() });
  };

  const pick = (choice: DatasetChoiceId) => {
    if (choice === 'cifar10') void pickCifar('cifar10-archive', cifarInput.current);
    else if (choice === 'folder') void pickFolder();
    else onChoose(choice);
  };

  return (
    <section className="nc-train-section" aria-label="Data">
      <h3>Data</h3>
      <div className="nc-dataset-list" role="radiogroup" aria-label="Dataset">
        {DATASET_CHOICES.map((choice) => (
          <button
            key={choice.id}
            role="radio"
            aria-checked={data.choice === choice.id}
            className={`nc-dataset${data.choice === choice.id ? ' nc-dataset-chosen' : ''}`}
            onClick={() => pick(choice.id)}
            onMouseEnter={() => setPointed(choice.id)}
            onMouseLeave={() => setPointed(null)}
            onFocus={() => setPointed(choice.id)}
            onBlur={() => setPointed(null)}
            disabled={disabled}
            title={choice.detail}
            data-testid={`dataset-${choice.id}`}
          >
            {choice.label}
          </button>
        ))}
        {data.choice === 'cifar10' && (
          <button
            className="nc-link"
            onClick={() => void pickCifar('cifar10', cifarFolder.current)}
            disabled={disabled}
          >
            …or pick the extracted folder
          </button>
        )}
      </div>
      <p className="nc-dataset-source nc-muted" data-testid="dataset-source">
        {shownSource ? datasetSource(shownSource) : 'Point at a dataset to see where its data come from.'}
      </p>
      <input
        ref={cifarInput}
        type="file"
        hidden
        multiple
        accept=".gz,.tgz,.tar,.bin,.txt"
        data-testid="cifar-files"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onChoose('cifar10', { kind: 'cifar10', files });
        }}
      />
      <input
        ref={cifarFolder}
        type="file"
        hidden
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onChoose('cifar10', { kind: 'cifar10', files });
        }}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        {...{ webkitdirectory: '' }}
        data-testid="folder-files"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (!files.length) return;
          const grouped = groupImageFolder(files.map((file) => ({ path: relativePath(file), file })));
          onChoose('folder', { kind: 'folder', grouped, inputShape: folderShape() });
        }}
      />
      {hostProgress && (
        <div className="nc-loading" data-testid="dataset-reading">
          <progress
            value={hostProgress.totalBytes ? hostProgress.loadedBytes / hostProgress.totalBytes : undefined}
            max={1}
          />
          <span>Reading {hostProgress.file || 'files'}…</span>
        </div>
      )}
      {data.loading && (
        <div className="nc-loading" data-testid="dataset-loading">
          <progress value={data.loading.fraction ?? undefined} max={1} />
          <span>{data.loading.text}</span>
        </div>
      )}
      {hostError && (
        <p className="nc-train-error" role="alert" data-testid="dataset-error">
          {hostError}
        </p>
      )}
      {data.error && (
        <p className="nc-train-error" role="alert" data-testid="dataset-error">
          {data.error}
        </p>
      )}
      {!dataset && !data.loading && (data.choice === 'cifar10' || data.choice === 'folder') && (
        <p className="nc-muted">{DATASET_CHOICES.find((c) => c.id === data.choice)?.detail}</p>
      )}
      {dataset && <DatasetFacts dataset={dataset} limit={limit} validationSplit={validationSplit} />}
      <label className="nc-field">
        <span>Training samples to use</span>
        <input
          type="number"
          min={1}
          placeholder="all"
          value={limit ?? ''}
          disabled={disabled}
          onChange={(e) => {
            const value = e.target.value.trim();
            const n = Number(value);
            if (value === '') onLimit(null);
            else if (Number.isInteger(n) && n >= 1) onLimit(n);
          }}
          data-testid="train-limit"
        />
      </label>
    </section>
  );
}

function DatasetFacts({
  dataset,
  limit,
  validationSplit,
}: {
  dataset: Dataset;
  limit: number | null;
  validationSplit: number;
}) {
  const counts = useMemo(() => trainClassCounts(dataset, limit), [dataset, limit]);
  const plan = planSplits(dataset, limit, validationSplit);
  const most = Math.max(1, ...counts);
  const images = isImageData(dataset.inputShape);
  const preview = useMemo(
    () =>
      images
        ? Array.from({ length: Math.min(PREVIEW_COUNT, dataset.train.count) }, (_, i) => ({
            picture: samplePicture(sampleValues(dataset.train, dataset.inputShape, i), dataset.inputShape),
            label: dataset.classNames[dataset.train.labels[i]],
          }))
        : [],
    [dataset, images],
  );
  return (
    <div className="nc-dataset-facts" data-testid="dataset-facts">
      <p>
        <strong>{dataset.name}</strong>: samples {dataset.inputShape.join('×')}, {dataset.classNames.length} classes
      </p>
      <p data-testid="dataset-split">
        {plan.train.toLocaleString('en')} train · {plan.validation.toLocaleString('en')} validation ·{' '}
        {plan.test.toLocaleString('en')} test
      </p>
      <table className="nc-class-counts">
        <tbody>
          {dataset.classNames.map((name, i) => (
            <tr key={name}>
              <td>{name}</td>
              <td className="nc-bar-cell">
                <span className="nc-bar" style={{ width: `${(counts[i] / most) * 100}%` }} />
              </td>
              <td className="nc-num">{counts[i].toLocaleString('en')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {images ? (
        <div className="nc-sample-grid" data-testid="dataset-preview">
          {preview.map(({ picture, label }, i) => (
            <figure key={i}>
              <PictureCanvas picture={picture} size={40} />
              <figcaption>{label}</figcaption>
            </figure>
          ))}
        </div>
      ) : dataset.inputShape.length === 1 && dataset.inputShape[0] === 2 ? (
        <PointsPlot split={dataset.train} size={180} boundary={null} testId="dataset-preview" />
      ) : null}
    </div>
  );
}
