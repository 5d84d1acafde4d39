/**
 * Hyperparameters, preprocessing and augmentation, with the memory estimate
 * for the chosen batch size. Each field is drawn from core's description of
 * its setting (label, range, help: `core/train/setting-fields.ts`), and every
 * change is saved into the project's `training` field, which core's settings
 * schema validates.
 */
import type { ModelSummary } from '../../../core/graph/summary';
import { estimateTrainingMemory, largestBatchThatFits } from '../../../core/train/memory';
import {
  AUGMENTATION_FIELDS,
  numberProblem,
  SCHEDULE_FIELDS,
  TRAINING_FIELDS,
  WEIGHT_DECAY_FIELDS,
  type Setting,
} from '../../../core/train/setting-fields';
import type { Augmentation, Schedule, TrainingSettings } from '../../../core/train/settings';
import { NumberField } from './NumberField';

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

/** The settings shown above the schedule, and below the weight decay, in this order. */
const FIRST_FIELDS = ['optimizer', 'learningRate', 'batchSize', 'epochs'] as const;
const LATER_FIELDS = ['validationSplit', 'preprocessing', 'initializer', 'seed'] as const;

/** Each field's test id (the e2e tests and the docs' screenshots address them). */
const TEST_IDS: Record<keyof typeof TRAINING_FIELDS, string> = {
  optimizer: 'train-optimizer',
  learningRate: 'train-lr',
  batchSize: 'train-batch',
  epochs: 'train-epochs',
  validationSplit: 'train-validation',
  preprocessing: 'train-preprocessing',
  initializer: 'train-initializer',
  seed: 'train-seed',
};

/** A schedule of `kind` starting from its parameters' defaults. */
function scheduleOfKind(kind: string): Schedule {
  if (kind === 'step')
    return { kind, every: SCHEDULE_FIELDS.every.default.images, factor: SCHEDULE_FIELDS.factor.default.images };
  if (kind === 'cosine') return { kind, to: SCHEDULE_FIELDS.to.default.images };
  return { kind: 'none' };
}

export function SettingsPanel({ settings, summary, images, disabled, onChange }: SettingsPanelProps) {
  const set = (patch: Partial<TrainingSettings>) => onChange({ ...settings, ...patch });
  /** Sets one top-level field; the field's own check (its range or choices) already passed, and undefined unsets it. */
  const setField = (key: keyof typeof TRAINING_FIELDS, value: number | string | undefined) => {
    const next: Record<string, unknown> = { ...settings };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next as TrainingSettings);
  };
  const field = (key: keyof typeof TRAINING_FIELDS) => (
    <SettingField
      key={key}
      setting={TRAINING_FIELDS[key]}
      value={settings[key]}
      disabled={disabled}
      onChange={(value) => setField(key, value)}
      testId={TEST_IDS[key]}
    />
  );
  const advice = summary ? memoryAdvice(summary, settings) : null;
  const schedule = settings.schedule;
  return (
    <section className="nc-train-section" aria-label="Settings">
      <h3>Hyperparameters</h3>
      <div className="nc-field-grid">
        {FIRST_FIELDS.map(field)}
        <label className="nc-field">
          <span>Schedule</span>
          <select
            value={schedule.kind}
            disabled={disabled}
            onChange={(e) => set({ schedule: scheduleOfKind(e.target.value) })}
            data-testid="train-schedule"
          >
            <option value="none">constant</option>
            <option value="step">step decay</option>
            <option value="cosine">cosine</option>
          </select>
        </label>
        {schedule.kind === 'step' && (
          <>
            <SettingField
              setting={SCHEDULE_FIELDS.every}
              value={schedule.every}
              disabled={disabled}
              onChange={(v) => set({ schedule: { ...schedule, every: Number(v) } })}
              testId="train-step-every"
            />
            <SettingField
              setting={SCHEDULE_FIELDS.factor}
              value={schedule.factor}
              disabled={disabled}
              onChange={(v) => set({ schedule: { ...schedule, factor: Number(v) } })}
              testId="train-step-factor"
            />
          </>
        )}
        {schedule.kind === 'cosine' && (
          <SettingField
            setting={SCHEDULE_FIELDS.to}
            value={schedule.to}
            disabled={disabled}
            onChange={(v) => set({ schedule: { ...schedule, to: Number(v) } })}
            testId="train-cosine-to"
          />
        )}
        <SettingField
          setting={WEIGHT_DECAY_FIELDS.l2}
          value={settings.weightDecay.l2}
          disabled={disabled}
          onChange={(v) => set({ weightDecay: { ...settings.weightDecay, l2: Number(v) } })}
          testId="train-l2"
        />
        {LATER_FIELDS.map(field)}
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
            {(Object.keys(AUGMENTATION_FIELDS) as (keyof Augmentation)[]).map((key) => (
              <SettingField
                key={key}
                setting={AUGMENTATION_FIELDS[key]}
                value={settings.augmentation[key]}
                disabled={disabled}
                onChange={(v) => set({ augmentation: { ...settings.augmentation, [key]: Number(v) } })}
                testId={`augment-${key}`}
              />
            ))}
          </div>
        </details>
      )}
    </section>
  );
}

/**
 * One described setting as a field: a number box checked against the
 * setting's range, or a choice among its options; its help is the tooltip.
 * A number setting without a default may be left empty (`onChange(undefined)`).
 */
function SettingField(props: {
  setting: Setting;
  value: number | string | undefined;
  disabled: boolean;
  onChange(value: number | string | undefined): void;
  testId: string;
}) {
  const { setting } = props;
  if (setting.type === 'choice')
    return (
      <SelectField
        label={setting.label}
        title={setting.help}
        value={String(props.value)}
        options={setting.options}
        disabled={props.disabled}
        onChange={props.onChange}
        testId={props.testId}
      />
    );
  const optional = setting.default === undefined;
  return (
    <NumberField
      label={setting.label}
      title={setting.help}
      value={typeof props.value === 'number' ? props.value : null}
      allowEmpty={optional}
      placeholder={optional ? setting.whenEmpty : undefined}
      check={(n) => numberProblem(setting, n)}
      disabled={props.disabled}
      onChange={(v) => {
        if (v !== null) props.onChange(v);
        else if (optional) props.onChange(undefined);
      }}
      testId={props.testId}
    />
  );
}

/** A labelled choice among fixed string options. */
function SelectField<T extends string>(props: {
  label: string;
  title?: string;
  value: T;
  options: readonly T[];
  disabled: boolean;
  onChange(value: T): void;
  testId: string;
}) {
  return (
    <label className="nc-field" title={props.title}>
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
