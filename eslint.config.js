// Lint, and the layer rules of docs/architecture.md as errors: shared/ imports only zod; only electron/ imports
// electron; renderer/ imports no Node module; main/ never imports electron or the renderer.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeOnlyPackages = ['ws', 'better-sqlite3', '@duckdb/node-api', '@nats-io/transport-node', 'electron'];
const restrict = (patterns, paths = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'bench/results/**', 'bin/**', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'], // tests may use vitest, and h3-js as an oracle
    rules: {
      'no-restricted-imports': restrict([
        { regex: '^(?!zod$|\\.\\.?/).*', message: 'shared/ is the pure contract: it may import only zod.' },
        // From shared/ or one folder down (shared/rpc/): nothing outside shared/.
        { regex: '^\\.\\./(main|renderer|electron|tests|bench)(/|$)|^\\.\\./\\.\\./(?!shared/)', message: 'shared/ may not import other layers.' },
      ]),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        [
          { group: ['**/main/**', '**/electron/**'], message: 'renderer/ talks to the engine only through RpcClient.' },
          ...nodeOnlyPackages.map((p) => ({ group: [p, `${p}/*`], message: `${p} is Node-only; renderer/ is the browser.` })),
        ],
        nodeBuiltins.map((name) => ({ name, message: 'renderer/ is the browser: no Node modules.' })),
      ),
    },
  },
  {
    // A feature's index.ts is its public surface: the workbench and other features import that, never its files.
    files: ['renderer/src/features/**/*.ts', 'renderer/src/features/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [
          { group: ['**/main/**', '**/electron/**'], message: 'renderer/ talks to the engine only through RpcClient.' },
          ...nodeOnlyPackages.map((p) => ({ group: [p, `${p}/*`], message: `${p} is Node-only; renderer/ is the browser.` })),
          {
            regex: '^\\.\\./[^./][^/]*/|(^|/)features/[^/]+/',
            message: 'import another feature through its index (`../heatmap`, not `../heatmap/heatmap-stats`): see docs/architecture.md',
          },
        ],
        nodeBuiltins.map((name) => ({ name, message: 'renderer/ is the browser: no Node modules.' })),
      ),
    },
  },
  {
    files: [
      'renderer/src/*.ts',
      'renderer/src/*.tsx',
      'renderer/src/app/**/*.ts',
      'renderer/src/app/**/*.tsx',
      'renderer/src/map/**/*.ts',
      'renderer/src/map/**/*.tsx',
    ],
    rules: {
      'no-restricted-imports': restrict(
        [
          { group: ['**/main/**', '**/electron/**'], message: 'renderer/ talks to the engine only through RpcClient.' },
          ...nodeOnlyPackages.map((p) => ({ group: [p, `${p}/*`], message: `${p} is Node-only; renderer/ is the browser.` })),
          { regex: '(^|/)features/[^/]+/', message: 'import a feature through its index (`../features/heatmap`): see docs/architecture.md' },
        ],
        nodeBuiltins.map((name) => ({ name, message: 'renderer/ is the browser: no Node modules.' })),
      ),
    },
  },
  {
    files: ['main/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['electron', 'electron/*'], message: 'Only electron/ may import electron; main/ runs under plain Node.' },
        { group: ['**/renderer/**', '**/electron/**'], message: 'main/ may import shared/ only, never the shell or the UI.' },
      ]),
    },
  },
  {
    // A room's index.ts is its public surface (docs/architecture.md): another room imports that, not its files.
    files: ['main/**/*.ts'],
    ignores: ['main/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['electron', 'electron/*'], message: 'Only electron/ may import electron; main/ runs under plain Node.' },
        { group: ['**/renderer/**', '**/electron/**'], message: 'main/ may import shared/ only, never the shell or the UI.' },
        {
          regex: '^\\.\\./(?!shared/)[^./][^/]*/|^\\./[^/]+/',
          message: 'import another room through its index (`../deliveries`, not `../deliveries/delivery-queue`): see docs/architecture.md',
        },
      ]),
    },
  },
  {
    // The desktop shell: Electron, the engine's public surface (main/index.ts) and the contract; never the UI.
    files: ['electron/**/*.ts'],
    ignores: ['electron/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/renderer/**'], message: 'electron/ loads the renderer as files, never imports it.' },
        { regex: '^\\.\\./main/.', message: 'electron/ imports the engine through main/index.ts (`../main`), not its rooms.' },
        { regex: '^\\.\\./(?!main$|shared/)', message: 'electron/ may import `../main`, `../shared/…` and its own files only.' },
      ]),
    },
  },
);
