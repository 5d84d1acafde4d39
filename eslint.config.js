// ESLint flat config. Besides the TypeScript recommended rules it enforces the
// layer boundaries of the project (README, Project layout), like VS Code's `code-layering`:
//   core/, templates/  pure TypeScript: no React, Electron, DOM or Node built-ins;
//                      tfjs only as `import type`, except in core/compile and core/train
//   core/<folder>/     layered layers → graph → compile → formats → train: a folder imports
//                      only from those before it; data/ is a leaf beside them that any may use
//   renderer/          browser code: `import type` only from electron/, no Node built-ins;
//                      only renderer/bridge.ts touches `window.netcanvas`; state/ never imports
//                      training/; training/worker/ (Web Worker code) uses no DOM global and
//                      imports neither React nor the page's views, run control or state
//   electron/          never imports renderer/
import { builtinModules } from 'node:module';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/** `fs`, `fs/promises`, `path`, ... (the `node:` forms are caught by a pattern). */
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

const NO_NODE = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'Node built-ins are for cli/ and electron/; this code also runs in the browser.',
  })),
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are for cli/ and electron/; this code also runs in the browser.' },
  ],
};

const UI_AND_SHELLS = [
  {
    group: ['react', 'react/*', 'react-dom', 'react-dom/*', '@xyflow/*'],
    message: 'core/ and templates/ are UI-free; React belongs in renderer/.',
  },
  {
    regex: '^electron(/|$)',
    message: 'core/ and templates/ never touch Electron; the shells call core, not the other way round.',
  },
  {
    regex: '^\\.{1,2}/(.*/)?(renderer|electron|cli)(/|$)',
    message: 'core/ and templates/ sit below the shells (renderer, electron, cli) and must not import them.',
  },
];

const TFJS_TYPES_ONLY = {
  group: ['@tensorflow/*'],
  allowTypeImports: true,
  message: 'Only `import type` from tfjs here: core/compile and core/train supply the runtime.',
};

/**
 * The order of core's folders: each imports only from those before it (and from
 * core/errors.ts). compile comes before formats because exporting a design to
 * TensorFlow.js means compiling it first (core/formats/tfjs-export.ts).
 */
const CORE_ORDER = ['layers', 'graph', 'compile', 'formats', 'train'];

/**
 * The no-restricted-imports pattern that keeps core/<folder> from reaching
 * forward in the order, or `null` for train, the last, which may import every
 * other folder. data/ sits beside the order: it reads bytes into plain arrays
 * and imports none of the others, while any of them may read datasets.
 */
function coreOrderPattern(folder) {
  if (folder === 'train') return null;
  const order = CORE_ORDER.join(' → ');
  if (folder === 'data') {
    return {
      regex: `^(\\.\\./)+(core/)?(${CORE_ORDER.join('|')})(/|$)`,
      message: `core/data is a leaf beside ${order}: dataset readers import none of those folders.`,
    };
  }
  const later = CORE_ORDER.slice(CORE_ORDER.indexOf(folder) + 1);
  return {
    regex: `^(\\.\\./)+(core/)?(${later.join('|')})(/|$)`,
    message: `core/ is layered ${order}: core/${folder} may import only from the folders before it.`,
  };
}

/**
 * The import rule for pure code; `tfjsRuntime` is true where tfjs may be
 * imported for real, `coreFolder` names the core/ folder whose place in the order applies.
 */
const pureImports = (tfjsRuntime, coreFolder) => [
  'error',
  {
    paths: NO_NODE.paths,
    patterns: [
      ...NO_NODE.patterns,
      ...UI_AND_SHELLS,
      ...(tfjsRuntime ? [] : [TFJS_TYPES_ONLY]),
      ...(coreFolder ? [coreOrderPattern(coreFolder)] : []).filter(Boolean),
    ],
  },
];

/** Node and DOM globals that would tie pure code to one host. */
const HOST_GLOBALS = [
  'process',
  'Buffer',
  '__dirname',
  '__filename',
  'require',
  'global',
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'location',
].map((name) => ({
  name,
  message: `core/ and templates/ run in Node, the browser and workers alike; \`${name}\` exists in only some of them.`,
}));

/**
 * The renderer's import rule, plus `extra` patterns for a folder inside it.
 * (Flat config replaces a rule's options rather than merging them, so each
 * folder's block restates the whole rule.)
 */
const rendererImports = (extra = []) => [
  'error',
  {
    paths: [
      { name: 'electron', message: 'The renderer reaches the desktop shell only through renderer/bridge.ts.' },
      ...NO_NODE.paths,
    ],
    patterns: [
      ...NO_NODE.patterns,
      {
        regex: '^\\.{1,2}/(.*/)?electron(/|$)',
        allowTypeImports: true,
        message:
          'The renderer may only `import type` from electron/ (the bridge contract); it runs in a sandboxed page.',
      },
      ...extra,
    ],
  },
];

const STATE_BELOW_TRAINING = {
  regex: '^\\.{1,2}/(.*/)?training(/|$)',
  message: 'renderer/state/ is the editor state the Train view reads; it never imports renderer/training/.',
};

/** What worker code may not import: the page's UI and its run control, which assume a document. */
const WORKER_IMPORTS = [
  {
    group: ['react', 'react/*', 'react-dom', 'react-dom/*', '@xyflow/*'],
    message: 'renderer/training/worker/ runs in a Web Worker: no React there.',
  },
  {
    regex: '^\\.\\./(view|run)(/|$)|^\\.\\./\\.\\./[^.]',
    message:
      'renderer/training/worker/ runs in a Web Worker: it imports core/ and its own folder, not the page (views, run control, state).',
  },
];

/**
 * Globals of a page that a dedicated worker does not have (it has `self`,
 * `location`, `navigator`, `fetch`, `OffscreenCanvas`, `createImageBitmap`).
 */
const DOM_ONLY_GLOBALS = [
  'window',
  'document',
  'localStorage',
  'sessionStorage',
  'alert',
  'confirm',
  'prompt',
  'parent',
  'top',
  'opener',
  'frames',
  'history',
  'customElements',
  'getComputedStyle',
  'matchMedia',
  'devicePixelRatio',
  'innerWidth',
  'innerHeight',
  'screen',
  'Image',
  'Audio',
  'Option',
  'DOMParser',
  'HTMLElement',
  'HTMLCanvasElement',
  'HTMLImageElement',
].map((name) => ({
  name,
  message: `renderer/training/worker/ runs in a Web Worker, which has no \`${name}\`; the page's code belongs in view/ or run/.`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'coverage/**', '.vite/**'] },
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['core/**', 'templates/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': pureImports(false),
      'no-restricted-globals': ['error', ...HOST_GLOBALS],
    },
  },
  // One block per core folder: flat config replaces a rule's options rather than merging them,
  // so each block restates the whole pure-code rule plus its own place in the order.
  ...[...CORE_ORDER, 'data'].map((folder) => ({
    files: [`core/${folder}/**`],
    rules: {
      '@typescript-eslint/no-restricted-imports': pureImports(folder === 'compile' || folder === 'train', folder),
    },
  })),
  {
    files: ['renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-restricted-imports': rendererImports(),
    },
  },
  {
    // The editor's state sits below the views and the training room that read it: never the other way round.
    files: ['renderer/state/**'],
    rules: { '@typescript-eslint/no-restricted-imports': rendererImports([STATE_BELOW_TRAINING]) },
  },
  {
    // Code that runs in a Web Worker: no DOM, and nothing from the page's React views or run control.
    files: ['renderer/training/worker/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': rendererImports(WORKER_IMPORTS),
      'no-restricted-globals': ['error', ...DOM_ONLY_GLOBALS],
    },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/bridge.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='window'][property.name='netcanvas']",
          message: 'Only renderer/bridge.ts touches window.netcanvas; import the bridge from there.',
        },
      ],
    },
  },
  {
    files: ['electron/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?renderer(/|$)',
              message: 'electron/ never imports renderer/; share types through electron/contract.ts.',
            },
          ],
        },
      ],
    },
  },
);
