/**
 * The template gallery: pick a network, set the input size and class count,
 * and get a laid-out graph. The current design stays one undo step away.
 */
import { useEffect, useState } from 'react';
import { summarize, type SummaryTotals } from '../../core/graph/summary';
import { InvalidTemplateOptionsError, templates, type Template } from '../../templates/index';
import { formatCompact, formatCount } from '../summary/summary-text';
import { parseParam } from '../inspector/param-text';
import { Modal, START_HERE } from '../chrome/Modal';

/** Template totals at their default options, by id; templates do not change while the app runs. */
const countCache = new Map<string, SummaryTotals>();

/** Reads "32×32×3" / "32, 32, 3" into numbers, or null. */
function parseShape(text: string): number[] | null {
  const parsed = parseParam({ kind: 'intList', default: [] }, text);
  return parsed.ok ? (parsed.value as number[]) : null;
}

export function TemplateGallery({
  onCreate,
  onClose,
}: {
  onCreate: (template: Template, input: number[], classes: number) => string | null;
  onClose: () => void;
}) {
  const [chosen, setChosen] = useState<Template>(templates.find((t) => t.id === 'lenet5') ?? templates[0]);
  const [inputText, setInputText] = useState(chosen.defaultInput.join('×'));
  const [classesText, setClassesText] = useState(String(chosen.defaultClasses));
  const [error, setError] = useState<string | null>(null);
  // Parameter counts at the default options, for the cards: worked out after the gallery is on
  // screen (building every template takes a moment) and kept for the session.
  const [counts, setCounts] = useState<ReadonlyMap<string, SummaryTotals>>(countCache);
  useEffect(() => {
    if (countCache.size === templates.length) return;
    const timer = setTimeout(() => {
      for (const t of templates) if (!countCache.has(t.id)) countCache.set(t.id, summarize(t.build()).totals);
      setCounts(new Map(countCache));
    }, 0);
    return () => clearTimeout(timer);
  }, []);

  const choose = (t: Template) => {
    setChosen(t);
    setInputText(t.defaultInput.join('×'));
    setClassesText(String(t.defaultClasses));
    setError(null);
  };

  const create = () => {
    const input = parseShape(inputText);
    const classes = Number(classesText);
    if (!input) return setError(`Input size must be whole numbers such as 32×32×3, got "${inputText}".`);
    if (!Number.isInteger(classes) || classes < 1)
      return setError(`Classes must be a whole number ≥ 1, got "${classesText}".`);
    setError(onCreate(chosen, input, classes));
  };

  return (
    <Modal
      label="Templates"
      title="New from template"
      testId="template-gallery"
      className="nc-gallery"
      onClose={onClose}
    >
      <div className="nc-gallery-body">
        <div className="nc-gallery-grid">
          {templates.map((t) => {
            const totals = counts.get(t.id);
            return (
              <button
                key={t.id}
                className={`nc-card${t.id === chosen.id ? ' nc-card-chosen' : ''}`}
                onClick={() => choose(t)}
                // Focus starts on the chosen card: Enter keeps it, Tab reaches the size fields and Create.
                {...(t.id === chosen.id ? START_HERE : {})}
                onDoubleClick={() => onCreate(t, [...t.defaultInput], t.defaultClasses)}
                data-testid={`template-${t.id}`}
              >
                <strong>{t.title}</strong>
                <span className="nc-card-text">{t.description}</span>
                <span className="nc-card-source" data-testid={`template-source-${t.id}`}>
                  {t.source}
                </span>
                {totals && (
                  <span className="nc-card-stats">
                    {formatCompact(totals.params)} params · {formatCompact(totals.macs)} MACs
                  </span>
                )}
              </button>
            );
          })}
        </div>
        <form
          className="nc-gallery-form"
          onSubmit={(e) => {
            e.preventDefault();
            create();
          }}
        >
          <h3>{chosen.title}</h3>
          <p className="nc-muted">{chosen.source}</p>
          <TextField
            id="nc-template-input"
            label="Input size (height × width × channels)"
            value={inputText}
            onChange={setInputText}
            testId="template-input"
          />
          <TextField
            id="nc-template-classes"
            label="Classes"
            value={classesText}
            onChange={setClassesText}
            testId="template-classes"
          />
          {error && (
            <div className="nc-field-error" role="alert" data-testid="template-error">
              {error}
            </div>
          )}
          {counts.has(chosen.id) && (
            <p className="nc-muted">At the defaults: {formatCount(counts.get(chosen.id)?.params ?? 0)} parameters.</p>
          )}
          <button type="submit" className="nc-primary" data-testid="template-create">
            Create
          </button>
        </form>
      </div>
    </Modal>
  );
}

/** Builds `template`, or says why the options do not fit it. */
export function buildTemplate(template: Template, input: number[], classes: number) {
  try {
    return { graph: template.build({ input, classes }), error: null };
  } catch (e) {
    if (e instanceof InvalidTemplateOptionsError) return { graph: null, error: e.message };
    throw e;
  }
}

/** A labelled line of text in the form (the label names the field for screen readers too). */
function TextField({
  id,
  label,
  value,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <div className="nc-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </div>
  );
}
