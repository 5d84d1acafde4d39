/**
 * What a finished run learned: test accuracy, the confusion matrix, accuracy
 * per class, test images with their predictions (mistakes marked), the first
 * convolution's filters, and the feature maps of a chosen layer for a chosen image.
 */
import { useMemo, useState } from 'react';
import type { Dataset } from '../../../core/data/dataset';
import type { EvaluationResult } from '../../../core/train/evaluate';
import { PictureCanvas, PictureGrid } from './PictureCanvas';
import { channelPicture, filterPicture, samplePicture } from './pictures';
import { isImageData, sampleValues } from '../run/run-data';
import { percent } from '../run/run-state';
import type { FeatureMaps, FirstLayerFilters } from '../worker/worker-protocol';

interface ResultsPanelProps {
  evaluation: EvaluationResult;
  status: 'completed' | 'cancelled';
  dataset: Dataset;
  filters: FirstLayerFilters | null;
  featureMaps: FeatureMaps | null;
  /** Layers whose outputs can be shown, by name. */
  layers: readonly string[];
  /** The design's output layer: its "feature map" is the class probabilities, shown as such. */
  outputLayer?: string;
  onFeatureMaps(layer: string, sample: number): void;
}

/** Confusion-matrix cell shading: stronger for more samples, red off the diagonal. */
function cellStyle(count: number, rowTotal: number, diagonal: boolean): React.CSSProperties {
  const share = rowTotal ? count / rowTotal : 0;
  const colour = diagonal ? '21 128 61' : '220 38 38';
  return { background: count ? `rgb(${colour} / ${Math.min(0.85, 0.08 + share * 0.8)})` : undefined };
}

export function ResultsPanel({
  evaluation,
  status,
  dataset,
  filters,
  featureMaps,
  layers,
  outputLayer,
  onFeatureMaps,
}: ResultsPanelProps) {
  const classes = dataset.classNames;
  const images = isImageData(dataset.inputShape);
  const [layer, setLayer] = useState(layers[0] ?? '');
  const [sample, setSample] = useState(0);
  const predictions = useMemo(
    () =>
      evaluation.predictions.map((p) => ({
        ...p,
        picture: images
          ? samplePicture(sampleValues(dataset.test, dataset.inputShape, p.index), dataset.inputShape)
          : null,
      })),
    [evaluation, dataset, images],
  );
  const chosenLayer = layers.includes(layer) ? layer : (layers[0] ?? '');

  return (
    <section className="nc-train-section nc-results" aria-label="Results">
      <h3>Results{status === 'cancelled' ? ' (stopped early)' : ''}</h3>
      <p className="nc-accuracy">
        Test accuracy <strong data-testid="train-accuracy">{percent(evaluation.accuracy)}</strong>
        <span className="nc-muted">
          {' '}
          on {evaluation.count.toLocaleString('en')} test samples · loss {evaluation.loss.toFixed(4)}
        </span>
      </p>
      <div className="nc-results-grid">
        <div>
          <h4>Confusion matrix</h4>
          <table className="nc-confusion" data-testid="confusion-matrix">
            <thead>
              <tr>
                <th title="true class ↓ / predicted →">true \ pred</th>
                {classes.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {evaluation.confusion.map((row, i) => {
                const total = row.reduce((a, b) => a + b, 0);
                return (
                  <tr key={i}>
                    <th>{classes[i]}</th>
                    {row.map((count, j) => (
                      <td key={j} style={cellStyle(count, total, i === j)}>
                        {count}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div>
          <h4>Accuracy per class</h4>
          <table className="nc-class-counts" data-testid="per-class-accuracy">
            <tbody>
              {evaluation.perClassAccuracy.map((accuracy, i) => (
                <tr key={i}>
                  <td>{classes[i]}</td>
                  <td className="nc-bar-cell">
                    <span className="nc-bar" style={{ width: `${(accuracy ?? 0) * 100}%` }} />
                  </td>
                  <td className="nc-num">{accuracy === null ? '—' : percent(accuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {images && (
        <>
          <h4>Test images (mistakes in red; click one for its feature maps)</h4>
          <div className="nc-sample-grid" data-testid="prediction-grid">
            {predictions.map((p) => (
              <figure
                key={p.index}
                className={p.label === p.predicted ? 'nc-right' : 'nc-wrong'}
                data-testid={p.label === p.predicted ? 'prediction-right' : 'prediction-wrong'}
                onClick={() => {
                  setSample(p.index);
                  if (chosenLayer) onFeatureMaps(chosenLayer, p.index);
                }}
                title={`true ${classes[p.label]}, predicted ${classes[p.predicted]} (${percent(p.probabilities[p.predicted] ?? 0)})`}
              >
                {p.picture && <PictureCanvas picture={p.picture} size={40} />}
                <figcaption>
                  {p.label === p.predicted
                    ? classes[p.predicted]
                    : `true ${classes[p.label]} · predicted ${classes[p.predicted]}`}
                </figcaption>
                <ProbabilityBars probabilities={p.probabilities} classes={classes} truth={p.label} />
              </figure>
            ))}
          </div>
        </>
      )}
      {filters && (
        <>
          <h4>
            Filters of the first convolution “{filters.layer}” ({filters.kernelHeight}×{filters.kernelWidth})
          </h4>
          <PictureGrid
            count={filters.outChannels}
            picture={(f) =>
              filterPicture(
                filters.values,
                filters.kernelHeight,
                filters.kernelWidth,
                filters.inChannels,
                filters.outChannels,
                f,
              )
            }
            title={(f) => `filter ${f + 1}`}
            size={36}
            testId="first-layer-filters"
          />
        </>
      )}
      {images && layers.length > 0 && (
        <>
          <h4>Feature maps</h4>
          <div className="nc-inline-fields">
            <label>
              Layer{' '}
              <select value={chosenLayer} onChange={(e) => setLayer(e.target.value)} data-testid="feature-layer">
                {layers.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Test image #{' '}
              <input
                type="number"
                min={0}
                max={dataset.test.count - 1}
                value={sample}
                onChange={(e) => setSample(Math.max(0, Math.min(dataset.test.count - 1, Number(e.target.value) || 0)))}
                style={{ width: 90 }}
              />
            </label>
            <button onClick={() => onFeatureMaps(chosenLayer, sample)} data-testid="feature-show">
              Show
            </button>
          </div>
          {featureMaps && (
            <div className="nc-feature-maps" data-testid="feature-maps">
              <PictureCanvas
                picture={samplePicture(
                  sampleValues(dataset.test, dataset.inputShape, featureMaps.sample),
                  dataset.inputShape,
                )}
                size={64}
                title="input"
              />
              <span className="nc-muted">
                “{featureMaps.layer}”: {featureMaps.height}×{featureMaps.width}×{featureMaps.channels}
              </span>
              {featureMaps.layer === outputLayer && featureMaps.channels === classes.length ? (
                // The output layer's units are the classes: a strip of grey cells would hide what they say.
                <ProbabilityBars
                  probabilities={Array.from(featureMaps.values)}
                  classes={classes}
                  truth={dataset.test.labels[featureMaps.sample]}
                  count={classes.length}
                />
              ) : featureMaps.height * featureMaps.width > 1 ? (
                <PictureGrid
                  count={Math.min(featureMaps.channels, 64)}
                  picture={(c) =>
                    channelPicture(featureMaps.values, featureMaps.height, featureMaps.width, featureMaps.channels, c)
                  }
                  title={(c) => `channel ${c + 1}`}
                  size={56}
                />
              ) : (
                // A flat layer: every unit's value as one strip, on a shared scale.
                <PictureCanvas
                  picture={channelPicture(featureMaps.values, 1, featureMaps.channels, 1, 0)}
                  size={Math.min(640, featureMaps.channels * 8)}
                  className="nc-strip"
                />
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** How many of a prediction's most probable classes get a bar. */
const BARS_PER_PREDICTION = 3;

/** A prediction's `count` most probable classes as bars, the true class marked, so a near miss shows as one. */
function ProbabilityBars({
  probabilities,
  classes,
  truth,
  count = BARS_PER_PREDICTION,
}: {
  probabilities: readonly number[];
  classes: readonly string[];
  truth: number;
  count?: number;
}) {
  const top = probabilities
    .map((probability, index) => ({ probability, index }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, count);
  return (
    <ol className="nc-prob-bars" data-testid="probability-bars" aria-label="class probabilities">
      {top.map(({ probability, index }) => (
        <li
          key={index}
          className={index === truth ? 'nc-prob-true' : undefined}
          title={`${classes[index]}: ${percent(probability)}`}
        >
          <span className="nc-prob-label">{classes[index]}</span>
          <span className="nc-prob-bar" style={{ width: `${Math.round(probability * 100)}%` }} />
        </li>
      ))}
    </ol>
  );
}
