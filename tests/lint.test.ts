/**
 * The layer boundaries (README, Project layout), enforced in CI through ESLint's Node API:
 * core/ lints clean, no folder crosses a boundary, and the boundary rules
 * really fire on the imports they exist to stop.
 */
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The rules that encode the boundaries (the rest of the config is ordinary hygiene). */
const BOUNDARY_RULES = new Set([
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-syntax',
]);

const describeMessages = (results: ESLint.LintResult[], keep: (m: Linter.LintMessage) => boolean) =>
  results.flatMap((r) =>
    r.messages
      .filter(keep)
      .map((m) => `${r.filePath.replace(`${process.cwd()}/`, '')}:${m.line} ${m.ruleId}: ${m.message}`),
  );

/** Rule ids reported for `code` linted as if it were the file at `path`. */
async function rulesFiredOn(code: string, path: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages.map((m) => m.ruleId);
}

describe('lint boundaries', () => {
  // One pass over the layered folders serves both whole-tree checks (linting is the slow part).
  let layered: ESLint.LintResult[];
  beforeAll(async () => {
    layered = await eslint.lintFiles(['core', 'templates', 'renderer', 'electron']);
  });

  it('core/ has no lint errors', () => {
    const core = layered.filter((r) => r.filePath.startsWith(`${process.cwd()}/core/`));
    expect(core.length).toBeGreaterThan(20);
    expect(describeMessages(core, (m) => m.severity === 2)).toEqual([]);
  });

  it('no file in core, templates, renderer or electron crosses a layer boundary', () => {
    expect(describeMessages(layered, (m) => BOUNDARY_RULES.has(m.ruleId ?? ''))).toEqual([]);
  });

  it.each([
    ["import fs from 'fs';\nexport const read = fs.readFileSync;", 'core/graph/x.ts'],
    ["import { gzipSync } from 'node:zlib';\nexport const zip = gzipSync;", 'core/formats/x.ts'],
    ["import { useState } from 'react';\nexport const hook = useState;", 'core/graph/x.ts'],
    ["import { ReactFlow } from '@xyflow/react';\nexport const flow = ReactFlow;", 'templates/x.ts'],
    ["import { app } from 'electron';\nexport const a = app;", 'core/x.ts'],
    ["import * as tf from '@tensorflow/tfjs';\nexport const layers = tf.layers;", 'core/layers/x.ts'],
    ["import { CHANNEL } from '../../electron/contract';\nexport const c = CHANNEL;", 'core/graph/x.ts'],
    ["import { CHANNEL } from '../electron/contract';\nexport const c = CHANNEL;", 'renderer/x.ts'],
    ["import { readFile } from 'node:fs/promises';\nexport const r = readFile;", 'renderer/x.ts'],
    ["import { App } from '../renderer/App';\nexport const a = App;", 'electron/x.ts'],
  ])('refuses %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toContain('@typescript-eslint/no-restricted-imports');
  });

  // core/ is layered layers → graph → compile → formats → train, with data/ a leaf beside them.
  it.each([
    ["import { summarize } from '../graph/summary';\nexport const s = summarize;", 'core/layers/x.ts'],
    ["import { kerasInt } from '../formats/keras-import';\nexport const k = kerasInt;", 'core/layers/x.ts'],
    ["import { compileGraph } from '../compile/compile';\nexport const c = compileGraph;", 'core/graph/x.ts'],
    ["import { OPTIMIZERS } from '../train/optimizers';\nexport const o = OPTIMIZERS;", 'core/graph/x.ts'],
    ["import { parseProject } from '../formats/project-file';\nexport const p = parseProject;", 'core/compile/x.ts'],
    ["import { OPTIMIZERS } from '../train';\nexport const o = OPTIMIZERS;", 'core/formats/x.ts'],
    ["import { getLayerSpec } from '../layers/registry';\nexport const g = getLayerSpec;", 'core/data/x.ts'],
    ["import { summarize } from '../../graph/summary';\nexport const s = summarize;", 'core/layers/deep/x.ts'],
  ])('keeps core in order: refuses %j in %s', async (code, path) => {
    const [result] = await eslint.lintText(code, { filePath: path });
    expect(result.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/core\/(\w+ may import only|data is a leaf)/),
    ]);
  });

  it.each([
    ["import { ValidationError } from '../errors';\nexport const v = ValidationError;", 'core/layers/x.ts'],
    ["import { getLayerSpec } from '../layers/registry';\nexport const g = getLayerSpec;", 'core/graph/x.ts'],
    ["import { compileGraph } from '../compile/compile';\nexport const c = compileGraph;", 'core/formats/x.ts'],
    ["import { parseProject } from '../formats/project-file';\nexport const p = parseProject;", 'core/train/x.ts'],
    ["import { summarize } from '../graph/summary';\nexport const s = summarize;", 'core/train/x.ts'],
    ["import { readIdx } from '../data/idx';\nexport const r = readIdx;", 'core/train/x.ts'],
    ["import { readIdx } from '../../data/idx';\nexport const r = readIdx;", 'core/train/wasm-kernels/x.ts'],
    ["import { summarize } from '../core/graph/summary';\nexport const s = summarize;", 'templates/x.ts'],
  ])('keeps core in order: allows %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual([]);
  });

  it.each([
    ['export const home = process.env.HOME;', 'core/train/x.ts'],
    ['export const w = window.innerWidth;', 'core/graph/x.ts'],
    ['export const b = Buffer.from([1]);', 'templates/x.ts'],
  ])('refuses the host global in %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual(['no-restricted-globals']);
  });

  // The training room's worker/ folder runs in a Web Worker; renderer/state/ sits below the Train view.
  it.each([
    ['export const title = document.title;', 'renderer/training/worker/x.ts'],
    ['export const w = window.innerWidth;', 'renderer/training/worker/x.ts'],
    ["export const saved = localStorage.getItem('x');", 'renderer/training/worker/x.ts'],
    ['export const img = new Image();', 'renderer/training/worker/x.ts'],
  ])('keeps the DOM out of worker code: refuses %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual(['no-restricted-globals']);
  });

  it.each([
    ["import { useState } from 'react';\nexport const s = useState;", 'renderer/training/worker/x.ts'],
    ["import { percent } from '../run/run-state';\nexport const p = percent;", 'renderer/training/worker/x.ts'],
    ["import { TrainView } from '../view/TrainView';\nexport const t = TrainView;", 'renderer/training/worker/x.ts'],
    [
      "import { EditorStore } from '../../state/editor-store';\nexport const e = EditorStore;",
      'renderer/training/worker/x.ts',
    ],
    ["import { TrainView } from '../training/view/TrainView';\nexport const t = TrainView;", 'renderer/state/x.ts'],
  ])('keeps the renderer layered: refuses %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual(['@typescript-eslint/no-restricted-imports']);
  });

  it.each([
    [
      'export const scope = self.location.href; export const cores = navigator.hardwareConcurrency;',
      'renderer/training/worker/x.ts',
    ],
    ["import { train } from '../../../core/train/session';\nexport const t = train;", 'renderer/training/worker/x.ts'],
    [
      "import type { FaultKind } from './worker-protocol';\nexport type F = FaultKind;",
      'renderer/training/worker/x.ts',
    ],
    ['export const title = document.title;', 'renderer/training/run/x.ts'],
    [
      "import { EditorStore } from '../../state/editor-store';\nexport const e = EditorStore;",
      'renderer/training/run/x.ts',
    ],
  ])('allows %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual([]);
  });

  it('refuses window.netcanvas outside renderer/bridge.ts', async () => {
    const code = 'export const bridge = window.netcanvas;';
    expect(await rulesFiredOn(code, 'renderer/canvas/x.ts')).toEqual(['no-restricted-syntax']);
    expect(await rulesFiredOn(code, 'renderer/bridge.ts')).toEqual([]);
  });

  it.each([
    ["import type * as tf from '@tensorflow/tfjs';\nexport type Tf = typeof tf;", 'core/layers/x.ts'],
    ["import * as tf from '@tensorflow/tfjs';\nexport const layers = tf.layers;", 'core/compile/x.ts'],
    ["import * as tf from '@tensorflow/tfjs';\nexport const layers = tf.layers;", 'core/train/x.ts'],
    ["import type { DesktopBridge } from '../electron/contract';\nexport type B = DesktopBridge;", 'renderer/x.ts'],
    ["import { readFile } from 'node:fs/promises';\nexport const r = readFile;", 'cli/x.ts'],
    ["import { readFile } from 'node:fs/promises';\nexport const r = readFile;", 'electron/x.ts'],
  ])('allows %j in %s', async (code, path) => {
    expect(await rulesFiredOn(code, path)).toEqual([]);
  });
});
