/**
 * The layer palette, generated from the registry: one section per category,
 * a search box, drag an entry onto the canvas or click it to add the layer
 * after the selected one.
 */
import { useMemo, useState } from 'react';
import type { AnyLayerSpec, LayerCategory } from '../../core/layers/layer-spec';
import { layerSpecs } from '../../core/layers/registry';
import { LAYER_DRAG_TYPE } from '../canvas/drag-type';
import { CATEGORY_COLOR, CATEGORY_TITLE } from '../canvas/category-style';

/** Whether `spec` matches a search: by type, label, category or description words. */
export function matchesSearch(spec: AnyLayerSpec, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack =
    `${spec.type} ${spec.label} ${spec.category} ${CATEGORY_TITLE[spec.category]} ${spec.description}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Registry specs grouped by category, in registry order. */
export function paletteSections(query: string): [LayerCategory, AnyLayerSpec[]][] {
  const sections = new Map<LayerCategory, AnyLayerSpec[]>();
  for (const spec of layerSpecs) {
    if (!matchesSearch(spec, query)) continue;
    sections.set(spec.category, [...(sections.get(spec.category) ?? []), spec]);
  }
  return [...sections];
}

export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const [query, setQuery] = useState('');
  const sections = useMemo(() => paletteSections(query), [query]);
  return (
    <aside className="nc-palette" aria-label="Layers">
      <div className="nc-panel-title">Layers</div>
      <input
        className="nc-search"
        type="search"
        placeholder="Search layers…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
        aria-label="Search layers"
      />
      <div className="nc-palette-list">
        {sections.map(([category, specs]) => (
          <section key={category} className="nc-palette-section">
            <h3 style={{ color: CATEGORY_COLOR[category] }}>{CATEGORY_TITLE[category]}</h3>
            {specs.map((spec) => (
              <button
                key={spec.type}
                className="nc-palette-item"
                style={{ '--accent': CATEGORY_COLOR[category] } as React.CSSProperties}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(LAYER_DRAG_TYPE, spec.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onAdd(spec.type)}
                title={`${spec.description}\n\nDrag onto the canvas, or click to add after the selected layer.`}
                data-testid={`palette-item-${spec.type}`}
              >
                <span className="nc-palette-label">{spec.label}</span>
                <span className="nc-palette-type">{spec.type}</span>
              </button>
            ))}
          </section>
        ))}
        {!sections.length && <p className="nc-muted nc-pad">No layer matches “{query}”.</p>}
      </div>
    </aside>
  );
}
