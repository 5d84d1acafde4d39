/**
 * Hyperparameters, preprocessing and augmentation, with the memory estimate
 * for the chosen batch size. Every change is validated by core's settings
 * schema and saved into the project's `training` field.
 */
import { KERNEL_INITIALIZERS } from '../../../core/compile/compile';
import type { ModelSummary } from '../../../core/graph/summary';
import { estimateTrainingMemory, largestBatchThatFits } from '../../../core/train/memory';
import { OPTIMIZERS } from '../../../core/train/optimizers';
import { PREPROCESSING, type Augmentation, type TrainingSettings } from '../../../core/train/settings';
import { NumberField, numberIn, wholeIn } from './NumberField';

interface SettingsPanelProps {
  settings: TrainingSettings;
  summary: ModelSummary | null;
  /** Augmentation only applies to image data. */
  images: boolean;
  disabled: boolean;
  onChange(settings: TrainingSettings): void;
}

/** What a browser tab can count on for one training run (WebGL textures or the wasm heap). */
export const MEMORY_BUDGET_BYTES = 2 * 1024 ** 3;

/** `1.2 GB` */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(0, Math.round(bytes / 1e3))} kB`;
}

/** The memory line and, when the batch will not fit, the batch size that does. */
export function memoryAdvice(
  summary: ModelSummary,
  settings: TrainingSettings,
  budget = MEMORY_BUDGET_BYTES,
): { text: string; suggestedBatch: number | null } {
  const memory = estimateTrainingMemory(summary, settings.batchSize, settings.optimizer);
  const text = `About ${formatBytes(memory.total)} at batch size ${settings.batchSize} (weights ${formatBytes(memory.weights)}, activations ${formatBytes(memory.activations)}).`;
  if (memory.total <= budget) return { text, suggestedBatch: null };
  const fits = largestBatchThatFits(summary, settings.optimizer, budget);
  return {
    text: `${text} That is more than the ${formatBytes(budget)} a browser can count on; ${fits ? `a batch of ${fits} fits` : 'even one sample does not fit: make the network smaller'}.`,
    suggestedBatch: fits || null,
  };
}

const AUGMENTATIONS: {
  key: keyof Augmentation;
  label: string;
  check: (n: number) => string | null;
  integer?: boolean;
}[] = [
  { key: 'flipHorizontal', label: 'Flip left–right (probability)', check: numberIn(0, 1) },
  { key: 'flipVertical', label: 'Flip up–down (probability)', check: numberIn(0, 1) },
  { key: 'crop', label: 'Random crop (pixels)', check: wholeIn(0, 64), integer: true },
  { key: 'translate', label: 'Shift (fraction)', check: numberIn(0, 0.5) },
  { key: 'rotation', label: 'Rotation (degrees)', check: numberIn(0, 180) },
  { key: 'scale', label: 'Zoom (±fraction)', check: numberIn(0, 0.9) },
  { key: 'brightness', label: 'Brightness', check: numberIn(0, 1) },
  { key: 'contrast', label: 'Contrast', check: numberIn(0, 1) },
  { key: 'saturation', label: 'Saturation', check: numberIn(0, 1) },
  { key: 'noise', label: 'Noise (std)', check: numberIn(0, 1) },
];

export function SettingsPanel({ settings, summary, images, disabled, onChange }: SettingsPanelProps) {
  const set = (patch: Partial<TrainingSettings>) => onChange({ ...settings, ...patch });
  const advice = summary ? memoryAdvice(summary, settings) : null;
  const schedule = settings.schedule;
  return (
    <section className="nc-train-section" aria-label="Settings">
      <h3>Hyperparameters</h3>
      <div className="nc-field-grid">
        <SelectField
          label="Optimizer"
          value={settings.optimizer}
          options={OPTIMIZERS}
          disabled={disabled}
          onChange={(optimizer) => set({ optimizer })}
          testId="train-optimizer"
        />
        <NumberField
          label="Learning rate"
          value={settings.learningRate}
          check={numberIn(0, 1e6, { min: true })}
          disabled={disabled}
          onChange={(v) => v !== null && set({ learningRate: v })}
          testId="train-lr"
        />
        <NumberField
          label="Batch size"
          value={settings.batchSize}
          check={wholeIn(1, 65536)}
          disabled={disabled}
          onChange={(v) => v !== null && set({ batchSize: v })}
          testId="train-batch"
        />
        <NumberField
          label="Epochs"
          value={settings.epochs}
          check={wholeIn(1, 100000)}
          disabled={disabled}
          onChange={(v) => v !== null && set({ epochs: v })}
          testId="train-epochs"
        />
        <label className="nc-field">
          <span>Schedule</span>
          <select
            value={schedule.kind}
            disabled={disabled}
            onChange={(e) => {
              const kind = e.target.value;
              set({
                schedule:
                  kind === 'step'
                    ? { kind: 'step', every: 5, factor: 0.5 }
                    : kind === 'cosine'
                      ? { kind: 'cosine', to: 0 }
                      : { kind: 'none' },
              });
            }}
            data-testid="train-schedule"
          >
            <option value="none">constant</option>
            <option value="step">step decay</option>
            <option value="cosine">cosine</option>
          </select>
        </label>
        {schedule.kind === 'step' && (
          <>
            <NumberField
              label="Every (epochs)"
              value={schedule.every}
              check={wholeIn(1, 100000)}
              disabled={disabled}
              onChange={(v) => v !== null && set({ schedule: { ...schedule, every: v } })}
              testId="train-step-every"
            />
            <NumberField
              label="Factor"
              value={schedule.factor}
              check={numberIn(0, 1, { min: true })}
              disabled={disabled}
              onChange={(v) => v !== null && set({ schedule: { ...schedule, factor: v } })}
              testId="train-step-factor"
            />
          </>
        )}
        {schedule.kind === 'cosine' && (
          <NumberField
            label="Down to"
            value={schedule.to}
            check={numberIn(0, 1e6)}
            disabled={disabled}
            onChange={(v) => v !== null && set({ schedule: { ...schedule, to: v } })}
            testId="train-cosine-to"
          />
        )}
        <NumberField
          label="Weight decay (L2)"
          value={settings.weightDecay.l2}
          check={numberIn(0, 1e6)}
          disabled={disabled}
          onChange={(v) => v !== null && set({ weightDecay: { ...settings.weightDecay, l2: v } })}
          testId="train-l2"
        />
        <NumberField
          label="Validation share"
          value={settings.validationSplit}
          check={numberIn(0, 1, { max: true })}
          disabled={disabled}
          onChange={(v) => v !== null && set({ validationSplit: v })}
          testId="train-validation"
        />
        <SelectField
          label="Preprocessing"
          value={settings.preprocessing}
          options={PREPROCESSING}
          disabled={disabled}
          onChange={(preprocessing) => set({ preprocessing })}
          testId="train-preprocessing"
        />
        <SelectField
          label="Initializer"
          value={settings.initializer}
          options={KERNEL_INITIALIZERS}
          disabled={disabled}
          onChange={(initializer) => set({ initializer })}
          testId="train-initializer"
        />
        <NumberField
          label="Seed"
          value={settings.seed ?? null}
          allowEmpty
          placeholder="random"
          check={wholeIn(0, 0xffffffff)}
          disabled={disabled}
          onChange={(v) => {
            const next = { ...settings };
            if (v === null) delete next.seed;
            else next.seed = v;
            onChange(next);
          }}
          testId="train-seed"
        />
      </div>
      {advice && (
        <div
          className={
            advice.suggestedBatch !== null || advice.text.includes('does not fit') ? 'nc-train-warning' : 'nc-muted'
          }
          data-testid="train-memory"
        >
          {advice.text}
          {advice.suggestedBatch !== null && (
            <button
              disabled={disabled}
              onClick={() => set({ batchSize: advice.suggestedBatch ?? settings.batchSize })}
              data-testid="train-memory-fix"
            >
              Use batch {advice.suggestedBatch}
            </button>
          )}
        </div>
      )}
      {images && (
        <details className="nc-augment">
          <summary>Augmentation</summary>
          <div className="nc-field-grid">
            {AUGMENTATIONS.map(({ key, label, check }) => (
              <NumberField
                key={key}
                label={label}
                value={settings.augmentation[key]}
                check={check}
                disabled={disabled}
                onChange={(v) => v !== null && set({ augmentation: { ...settings.augmentation, [key]: v } })}
                testId={`augment-${key}`}
              />
            ))}
          </div>
        </details>
      )}
    </section>
  );
}

/** A labelled choice among fixed string options. */
function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  disabled: boolean;
  onChange(value: T): void;
  testId: string;
}) {
  return (
    <label className="nc-field">
      <span>{props.label}</span>
      <select
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value as T)}
        data-testid={props.testId}
      >
        {props.options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
