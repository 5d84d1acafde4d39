/**
 * One inspector field, generated from a parameter spec. Text is parsed and
 * checked with core's `checkParamValue` on every keystroke; a valid value is
 * applied at once (the canvas updates as the user types), an invalid one
 * stays in the field with the reason under it and changes nothing.
 */
import { useEffect, useId, useState } from 'react';
import type { ParamSpec } from '../../core/layers/layer-spec';
import { checkParamValue, paramLabel } from '../../core/layers/params';
import { formatParam, parseParam } from './param-text';

export interface ParamFieldProps {
  name: string;
  spec: ParamSpec;
  value: unknown;
  onChange(value: unknown): void;
}

/** Why `text` cannot be applied to `spec`, or the value to apply. */
export function validateParamText(
  spec: ParamSpec,
  text: string,
): { value: unknown; error: null } | { value: undefined; error: string } {
  const parsed = parseParam(spec, text);
  if (!parsed.ok) return { value: undefined, error: parsed.error };
  const reason = checkParamValue(spec, parsed.value);
  return reason ? { value: undefined, error: reason } : { value: parsed.value, error: null };
}

export function ParamField({ name, spec, value, onChange }: ParamFieldProps) {
  const id = useId();
  const label = paramLabel(name, spec);
  const [text, setText] = useState(() => formatParam(spec, value));
  const [error, setError] = useState<string | null>(() =>
    checkParamValue(spec, value) ? checkParamValue(spec, value) : null,
  );

  // Undo, a fix or another panel changed the value: show it, unless the field already says the same.
  useEffect(() => {
    const current = validateParamText(spec, text);
    if (current.error !== null || JSON.stringify(current.value) !== JSON.stringify(value)) {
      setText(formatParam(spec, value));
      setError(checkParamValue(spec, value));
    }
    // Only an outside change of `value` should rewrite the field, not the user's typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, spec]);

  const help = spec.help ? <div className="nc-field-help">{spec.help}</div> : null;
  const errorLine = error ? (
    <div className="nc-field-error" role="alert" data-testid={`param-error-${name}`}>
      {label} {error}
    </div>
  ) : null;

  if (spec.kind === 'enum') {
    return (
      <div className="nc-field">
        <label htmlFor={id}>{label}</label>
        <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={`param-${name}`}>
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        {help}
      </div>
    );
  }
  if (spec.kind === 'bool') {
    return (
      <div className="nc-field nc-field-check">
        <label htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            data-testid={`param-${name}`}
          />
          {label}
        </label>
        {help}
      </div>
    );
  }
  const placeholder =
    spec.kind === 'intPair'
      ? 'e.g. 3×3'
      : spec.kind === 'intList'
        ? 'e.g. 28, 28, 1'
        : spec.kind === 'float' && spec.nullable
          ? 'none'
          : '';
  return (
    <div className="nc-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={spec.kind === 'int' || spec.kind === 'float' ? 'decimal' : 'text'}
        className={error ? 'nc-invalid' : undefined}
        aria-invalid={error ? true : undefined}
        value={text}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const checked = validateParamText(spec, next);
          setError(checked.error);
          if (checked.error === null) onChange(checked.value);
        }}
        onBlur={() => {
          // Leaving a valid field tidies its text (`5` becomes `5×5`).
          if (validateParamText(spec, text).error === null) setText(formatParam(spec, value));
        }}
        data-testid={`param-${name}`}
      />
      {errorLine}
      {help}
    </div>
  );
}
