/**
 * The command bar, generated from the command table (core/commands.ts): the
 * file, edit, view and train commands, and the design's name with its
 * unsaved marker. Buttons that do not fit the window move, from the right,
 * into a "More" menu, so every command stays reachable on a narrow laptop
 * screen; Train never moves there.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import {
  chordText,
  COMMANDS,
  isEnabled,
  TOOLBAR_GROUPS,
  type CommandContext,
  type CommandSpec,
  type PageCommandId,
} from '../../core/commands';
import { OverflowMenu } from './OverflowMenu';

interface ToolbarProps {
  title: string;
  dirty: boolean;
  /** What decides which commands are enabled. */
  context: CommandContext;
  run(command: PageCommandId): void;
}

/** The toolbar's commands in table order. */
const TOOLBAR_COMMANDS = (COMMANDS as readonly CommandSpec[]).filter((c) => c.toolbar && c.runsIn === 'page');
/** Never moved into the overflow menu: the way into the Train view. */
const PINNED = new Set(['train-open']);
/** The order in which buttons give way when space runs out: from the right, pinned ones last. */
const YIELD_ORDER = [...TOOLBAR_COMMANDS].reverse().filter((c) => !PINNED.has(c.id));

const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** `Save (Ctrl+S)`: the tooltip. */
export function commandTitle(command: CommandSpec): string {
  const key = command.keys?.[0];
  return key ? `${command.description} (${chordText(key, mac)})` : command.description;
}

export function Toolbar({ title, dirty, context, run }: ToolbarProps) {
  const tools = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());

  // Which buttons fit: measured from an invisible copy of the full bar, on every resize.
  useLayoutEffect(() => {
    const area = tools.current;
    const copy = measure.current;
    if (!area || !copy) return;
    const fit = () => {
      const available = area.clientWidth;
      const widths = new Map<string, number>();
      for (const el of copy.querySelectorAll<HTMLElement>('[data-command]'))
        widths.set(el.dataset.command as string, el.offsetWidth);
      const groupGaps = new Map<string, number>();
      for (const el of copy.querySelectorAll<HTMLElement>('[data-group]')) {
        const buttons = [...el.querySelectorAll<HTMLElement>('[data-command]')];
        const used = buttons.reduce((a, b) => a + b.offsetWidth, 0);
        groupGaps.set(el.dataset.group as string, el.offsetWidth - used);
      }
      const more = (copy.querySelector('[data-more]') as HTMLElement | null)?.offsetWidth ?? 40;
      // The space the bar puts between its groups (and before "More").
      const gap = parseFloat(getComputedStyle(area).columnGap) || 0;
      const out = new Set<string>();
      const width = () => {
        const shown = TOOLBAR_COMMANDS.filter((c) => !out.has(c.id));
        const groups = new Set(shown.map((c) => c.toolbar as string));
        let total = shown.reduce((a, c) => a + (widths.get(c.id) ?? 0), 0);
        for (const g of groups) total += groupGaps.get(g) ?? 0;
        total += gap * Math.max(0, groups.size - 1);
        return total + (out.size ? more + gap : 0);
      };
      for (const c of YIELD_ORDER) {
        if (width() <= available) break;
        out.add(c.id);
      }
      setHidden((old) => (old.size === out.size && [...out].every((id) => old.has(id)) ? old : out));
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(area);
    return () => observer.disconnect();
  }, []);

  const button = (c: CommandSpec, measuring = false) => (
    <button
      key={c.id}
      className="nc-tool"
      onClick={measuring ? undefined : () => run(c.id as PageCommandId)}
      disabled={!isEnabled(c, context)}
      title={commandTitle(c)}
      aria-label={c.short && c.short.length <= 2 ? c.description : undefined}
      {...(measuring ? { 'data-command': c.id, tabIndex: -1 } : { 'data-testid': c.id })}
    >
      {c.short ?? c.label}
    </button>
  );
  const groups = (measuring: boolean) =>
    TOOLBAR_GROUPS.map(({ id, label }) => {
      const members = TOOLBAR_COMMANDS.filter((c) => c.toolbar === id && (measuring || !hidden.has(c.id)));
      if (!members.length) return null;
      return (
        <div
          key={id}
          className="nc-tool-group"
          role={measuring ? undefined : 'group'}
          aria-label={measuring ? undefined : label}
          {...(measuring ? { 'data-group': id } : {})}
        >
          {members.map((c) => button(c, measuring))}
        </div>
      );
    });

  const overflow = TOOLBAR_COMMANDS.filter((c) => hidden.has(c.id));
  return (
    <header className="nc-toolbar">
      <div className="nc-brand">
        <span className="nc-logo" aria-hidden>
          ◈
        </span>
        NetCanvas
      </div>
      <div className="nc-tools" ref={tools}>
        {groups(false)}
        {overflow.length > 0 && (
          <OverflowMenu
            items={overflow.map((c) => ({
              id: c.id,
              label: c.label,
              title: commandTitle(c),
              disabled: !isEnabled(c, context),
            }))}
            onChoose={(id) => run(id as PageCommandId)}
          />
        )}
      </div>
      <div className="nc-tools-measure" ref={measure} aria-hidden>
        {groups(true)}
        <button className="nc-tool" data-more tabIndex={-1}>
          ⋯
        </button>
      </div>
      <div className="nc-title" data-testid="design-title">
        {/* The marker comes first so a narrow window cuts the name, never the marker. */}
        {dirty && (
          <span className="nc-dirty" title="Unsaved changes" data-testid="unsaved-marker">
            ●
          </span>
        )}
        <span className="nc-title-text" title={title}>
          {title}
        </span>
      </div>
    </header>
  );
}
