/** A number input that keeps what the user types and reports only valid values, marking invalid text. */
import { useEffect, useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number | null;
  /** Returns an error message for a value out of range, or null. */
  check?(value: number): string | null;
  onChange(value: number | null): void;
  /** Empty text means null (e.g. "random seed"). */
  allowEmpty?: boolean;
  placeholder?: string;
  disabled?: boolean;
  step?: string;
  testId: string;
  title?: string;
}

export function NumberField({
  label,
  value,
  check,
  onChange,
  allowEmpty,
  placeholder,
  disabled,
  step,
  testId,
  title,
}: NumberFieldProps) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const [error, setError] = useState<string | null>(null);
  // Another panel or an opened project changed the value: show it, unless the field already says the same.
  useEffect(() => {
    setText((current) =>
      (current.trim() !== '' && Number(current) === value) || (value === null && current.trim() === '')
        ? current
        : value === null
          ? ''
          : String(value),
    );
  }, [value]);
  const commit = (next: string) => {
    setText(next);
    const trimmed = next.trim();
    if (trimmed === '' && allowEmpty) {
      setError(null);
      onChange(null);
      return;
    }
    const n = Number(trimmed);
    const problem = trimmed === '' || !Number.isFinite(n) ? 'Enter a number' : (check?.(n) ?? null);
    setError(problem);
    if (!problem) onChange(n);
  };
  return (
    <label className="nc-field" title={title}>
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        value={text}
        placeholder={placeholder}
        step={step}
        disabled={disabled}
        className={error ? 'nc-invalid' : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(e) => commit(e.target.value)}
        data-testid={testId}
      />
      {error && <small className="nc-field-error">{error}</small>}
    </label>
  );
}
