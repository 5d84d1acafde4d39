import { describe, expect, it } from 'vitest';
import { summarize } from '../../core/graph/summary';
import { getTemplate } from '../../templates/index';
import { commandForKey, SHORTCUTS, shortcutText } from '../../renderer/chrome/shortcuts';
import { formatParam, parseParam } from '../../renderer/inspector/param-text';
import { formatBytes, summaryToCsv, summaryToMarkdown } from '../../renderer/summary/summary-text';

describe('summary export', () => {
  const summary = summarize(getTemplate('lenet5').build());

  it('writes one CSV row per layer and a total row that adds up', () => {
    const lines = summaryToCsv(summary).trim().split('\n');
    expect(lines[0]).toBe('Layer,Type,Output shape,Trainable params,Non-trainable params,MACs,Activation bytes');
    expect(lines).toHaveLength(summary.layers.length + 2);
    expect(lines[2]).toBe('c1,Conv2D,28×28×6,156,0,117600,18816');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(lines.at(-1)).toBe(
      `Total,,,${rows.reduce((a, r) => a + Number(r[3]), 0)},0,${rows.reduce((a, r) => a + Number(r[5]), 0)},${summary.totals.activationBytes}`,
    );
  });

  it('writes a Markdown table with thousands separators and the totals', () => {
    const md = summaryToMarkdown(summary, 'LeNet-5');
    expect(md).toContain('# LeNet-5');
    expect(md).toContain('| f5 | Dense | 120 | 48,120 | 0 | 48,000 |');
    expect(md).toContain('Total parameters: 61,706 (61,706 trainable, 0 non-trainable).');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(18816)).toBe('18.4 KiB');
    expect(formatBytes(2000)).toBe('1.95 KiB');
    expect(formatBytes(553_467_296)).toBe('528 MiB');
  });
});

describe('inspector field text', () => {
  it('reads pairs and lists however they are typed', () => {
    const pair = { kind: 'intPair', default: [3, 3] } as const;
    for (const text of ['5', '5×5', '5x5', '5, 5', '5 5', ' 5 ×5 '])
      expect(parseParam(pair, text)).toEqual({ ok: true, value: [5, 5] });
    expect(parseParam(pair, '3×5')).toEqual({ ok: true, value: [3, 5] });
    expect(parseParam(pair, '3×3×3')).toMatchObject({ ok: false });
    expect(parseParam({ kind: 'intList', default: [] }, '28, 28, 1')).toEqual({ ok: true, value: [28, 28, 1] });
    expect(formatParam(pair, [5, 5])).toBe('5×5');
  });

  it('reads an empty optional number as none, and refuses words', () => {
    const maxValue = { kind: 'float', default: null, nullable: true } as const;
    expect(parseParam(maxValue, '')).toEqual({ ok: true, value: null });
    expect(parseParam(maxValue, '6')).toEqual({ ok: true, value: 6 });
    expect(parseParam({ kind: 'int', default: 1 }, 'ten')).toEqual({ ok: false, error: 'must be a number, got "ten"' });
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, mods: { ctrl?: boolean; shift?: boolean } = {}) => ({
    key: k,
    ctrlKey: !!mods.ctrl,
    metaKey: false,
    shiftKey: !!mods.shift,
  });

  it('maps undo and both redo chords', () => {
    expect(commandForKey(key('z', { ctrl: true }), false)).toBe('undo');
    expect(commandForKey(key('Z', { ctrl: true, shift: true }), false)).toBe('redo');
    expect(commandForKey(key('y', { ctrl: true }), false)).toBe('redo');
  });

  it('leaves typing keys to a text field, but still saves from one', () => {
    expect(commandForKey(key('Backspace'), true)).toBeNull();
    expect(commandForKey(key('z', { ctrl: true }), true)).toBeNull();
    expect(commandForKey(key('s', { ctrl: true }), true)).toBe('save');
    expect(commandForKey(key('Delete'), false)).toBe('delete');
  });

  it('lists every shortcut the handler knows in the help panel text', () => {
    for (const s of SHORTCUTS)
      expect(commandForKey(key(s.key, { ctrl: s.mod, shift: s.shift }), false)).toBe(s.command);
    expect(shortcutText(SHORTCUTS.find((s) => s.command === 'redo')!)).toBe('Ctrl+Shift+Z');
  });
});
