/** Writing Python source: values, identifiers and names, for the generated `model.py` and `train.py`. */
import type { PyValue } from '../../layers/nchw-export';

/**
 * A value as Python source: numbers as they are, `True`/`False`/`None`,
 * strings quoted, arrays as tuples, `{ code }` verbatim.
 *
 * @example
 * pyValue([3, 3]) // "(3, 3)"
 */
export function pyValue(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "float('nan')";
    if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : "float('-inf')";
    // 1e-05 reads better than 0.00001; Python takes either.
    const plain = String(value);
    if (Number.isInteger(value)) return plain;
    const exponent = value.toExponential().replace('e+', 'e');
    return exponent.length < plain.length ? exponent : plain;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value))
    return value.length === 1 ? `(${pyValue(value[0])},)` : `(${value.map(pyValue).join(', ')})`;
  return (value as { code: string }).code;
}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/**
 * Names an `nn.Module` already uses: an attribute with one of these names
 * would hide the method (`self.forward = nn.Conv2d(...)`), so such a layer
 * gets a trailing underscore.
 */
const MODULE_ATTRIBUTES = new Set(
  'add_module apply bfloat16 buffers children cpu cuda double dump_patches eval extra_repr float forward get_buffer get_parameter get_submodule half ipu load_state_dict logits modules named_buffers named_children named_modules named_parameters parameters register_buffer register_forward_hook register_forward_pre_hook register_full_backward_hook register_module register_parameter requires_grad_ share_memory state_dict to to_empty train training type xpu zero_grad'.split(
    ' ',
  ),
);

/**
 * A layer name as a Python attribute: characters other than letters, digits
 * and `_` become `_`, a leading digit gets a `_` before it, and keywords or
 * names `nn.Module` uses get one after.
 *
 * @example
 * pyIdentifier('block1-conv') // "block1_conv"
 */
export function pyIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '') id = 'layer';
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (KEYWORDS.has(id) || MODULE_ATTRIBUTES.has(id)) id = `${id}_`;
  return id;
}

/**
 * A class name from a design or group name: its words capitalised and joined,
 * letters and digits kept (`ResNet-18` → `ResNet18`, `my net` → `MyNet`).
 */
export function pyClassName(name: string, fallback: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (joined === '' || /^[0-9]/.test(joined)) return `${fallback}${joined}`;
  return joined;
}

/** Makes names unique in order of asking: `conv`, then `conv_2`, `conv_3`. */
export class NameSet {
  private readonly used: Set<string>;
  constructor(taken: Iterable<string> = []) {
    this.used = new Set(taken);
  }
  /** `name`, or `name_2`, `name_3`, … when taken. */
  claim(name: string): string {
    let candidate = name;
    for (let k = 2; this.used.has(candidate); k++) candidate = `${name}_${k}`;
    this.used.add(candidate);
    return candidate;
  }
  has(name: string): boolean {
    return this.used.has(name);
  }
}
