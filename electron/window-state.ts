/** Remembering the window's size and position between runs, kept on a visible screen. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Used on first start and whenever the saved state is unusable. */
export const DEFAULT_WINDOW: WindowState = { bounds: { x: 80, y: 60, width: 1400, height: 900 }, maximized: false };
const MIN_WIDTH = 800;
const MIN_HEIGHT = 560;

const schema = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() }),
  maximized: z.boolean(),
});

/**
 * The saved state fitted to the screens there are now: at least the minimum
 * size, and moved back onto the primary screen if a monitor that held it is
 * gone (otherwise the window would open off-screen).
 */
export function fitToScreens(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const width = Math.max(MIN_WIDTH, state.bounds.width);
  const height = Math.max(MIN_HEIGHT, state.bounds.height);
  const overlaps = (a: Rect) =>
    state.bounds.x < a.x + a.width - 50 &&
    state.bounds.x + width > a.x + 50 &&
    state.bounds.y >= a.y - 10 &&
    state.bounds.y < a.y + a.height - 50;
  const screen = workAreas.find(overlaps);
  if (screen) return { bounds: { ...state.bounds, width, height }, maximized: state.maximized };
  const primary = workAreas[0] ?? DEFAULT_WINDOW.bounds;
  return {
    bounds: {
      x: primary.x + 40,
      y: primary.y + 40,
      width: Math.min(width, primary.width),
      height: Math.min(height, primary.height),
    },
    maximized: state.maximized,
  };
}

/** Reads the saved state; anything missing or malformed gives the default. */
export async function loadWindowState(storeFile: string): Promise<WindowState> {
  try {
    const parsed = schema.safeParse(JSON.parse(await fs.readFile(storeFile, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW;
  } catch {
    return DEFAULT_WINDOW;
  }
}

export async function saveWindowState(storeFile: string, state: WindowState): Promise<void> {
  await fs.mkdir(path.dirname(storeFile), { recursive: true });
  await writeFileAtomic(storeFile, `${JSON.stringify(state)}\n`);
}
