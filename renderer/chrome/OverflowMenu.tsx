/**
 * The toolbar's "More" button and its menu of the commands that did not fit.
 * Keyboard: Enter/Space/↓ opens it on the first item, ↑/↓ move, Escape or Tab
 * closes it and focus returns to the button.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface OverflowItem {
  id: string;
  label: string;
  title: string;
  disabled: boolean;
}

export function OverflowMenu({ items, onChoose }: { items: readonly OverflowItem[]; onChoose(id: string): void }) {
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState({ top: 0, right: 0 });
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  // The menu hangs below the button; it is fixed-positioned because the toolbar clips what overflows it.
  const show = () => {
    const rect = button.current?.getBoundingClientRect();
    if (rect) setAt({ top: rect.bottom + 4, right: Math.max(4, window.innerWidth - rect.right) });
    setOpen(true);
  };

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not(:disabled)')?.focus();
    const onDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const onMenuKey = (event: KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not(:disabled)') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      entries[(index + step + entries.length) % entries.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? entries[0] : entries.at(-1))?.focus();
    } else if (event.key === 'Tab') close(false);
  };

  return (
    <>
      <button
        ref={button}
        className="nc-tool nc-more"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="More commands"
        title="More commands"
        data-testid="toolbar-more"
        onClick={() => (open ? close(false) : show())}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            show();
          }
        }}
      >
        ⋯
      </button>
      {open && (
        <div
          ref={menu}
          className="nc-menu"
          role="menu"
          aria-label="More commands"
          style={{ top: at.top, right: at.right }}
          onKeyDown={onMenuKey}
          data-testid="toolbar-more-menu"
        >
          {items.map((item) => (
            <button
              key={item.id}
              role="menuitem"
              className="nc-menu-item"
              disabled={item.disabled}
              title={item.title}
              data-testid={`more-${item.id}`}
              onClick={() => {
                close(true);
                onChoose(item.id);
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
