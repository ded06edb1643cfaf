// Three builds from one config (package.json "build" runs them in this order):
// - `vite build --mode widget-app`: the full customer widget, dist/widget-app.js (one IIFE, size-budgeted);
// - `vite build --mode widget`: the loader, dist/widget.js, the one tag a shop embeds (size-budgeted; prints
//   both widget sizes);
// - `vite build --mode console`: the agent console (a Preact app served at /console/).
// Lib mode IIFE cannot split code, so the loader and the full widget are two builds of two entries.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/** Gzipped size budgets in bytes (issue 8); the build fails above either. */
const LOADER_BUDGET_BYTES = 5 * 1024;
const FULL_WIDGET_BUDGET_BYTES = 30 * 1024;
/** The console's JavaScript, all chunks together: not asked by an issue, kept so its growth is a decision. */
const CONSOLE_BUDGET_BYTES = 80 * 1024;

const root = fileURLToPath(new URL('.', import.meta.url));

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const gzipped = (code: string | Buffer) => gzipSync(code, { level: 9 }).byteLength;

/**
 * Fails the build when `file` is over its gzipped budget. `alongside` names files an earlier build wrote to
 * dist/, to print (and check) next to it: the loader's build reports the full widget too.
 */
function sizeBudget(file: string, budget: number, alongside: Record<string, { budget: number; label: string }> = {}, label = file): Plugin {
  return {
    name: 'tandem-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunk = bundle[file];
      if (!chunk || chunk.type !== 'chunk') this.error(`size budget: ${file} was not produced`);
      const lines = [[label, file, Buffer.byteLength(chunk.code), gzipped(chunk.code), budget] as const];
      for (const [other, { budget: otherBudget, label: otherLabel }] of Object.entries(alongside)) {
        const path = `${root}dist/${other}`;
        if (!existsSync(path)) this.error(`size budget: dist/${other} is missing: build it first (npm run build does)`);
        const code = readFileSync(path);
        lines.push([otherLabel, other, code.byteLength, gzipped(code), otherBudget]);
      }
      console.log('');
      for (const [what, name, raw, gzip, limit] of lines) {
        console.log(`${what}: dist/${name} ${kb(raw)} minified, ${kb(gzip)} gzipped (budget ${kb(limit)} gzipped)`);
      }
      for (const [, name, , gzip, limit] of lines) {
        if (gzip > limit) this.error(`dist/${name} is ${kb(gzip)} gzipped, over its budget of ${kb(limit)}`);
      }
    },
  };
}

/**
 * The widget talks to the server over WebSocket only (connection.ts), so engine.io-client's HTTP long-polling
 * and WebTransport transports are dead weight: its transport table is replaced by the WebSocket entry alone,
 * and the XHR transport, whose module probes XMLHttpRequest when it loads, is declared free of side effects so
 * it falls away unused.
 */
function websocketOnly(): Plugin {
  const esm = /[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]/;
  return {
    name: 'tandem-websocket-only',
    load(id) {
      if (!esm.test(id)) return null;
      if (id.endsWith('index.js')) return 'import { WS } from "./websocket.js";\nexport const transports = { websocket: WS };\n';
      if (id.endsWith('polling-xhr.js')) return { code: readFileSync(id, 'utf8'), moduleSideEffects: false };
      return null;
    },
  };
}

/**
 * The full widget's content hash, built into the loader as `widget-app.js?v=…`: a freshly deployed loader
 * never runs a full widget an HTTP cache kept from the previous deploy (the build makes widget-app.js first).
 */
function appVersion(): string {
  const file = `${root}dist/widget-app.js`;
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12) : 'dev';
}

/** The console's budget: every JavaScript chunk it emits (hashed names), gzipped together. */
function consoleBudget(budget: number): Plugin {
  return {
    name: 'tandem-console-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
      const gzip = chunks.reduce((sum, chunk) => sum + gzipped(chunk.code), 0);
      console.log(`\nconsole: ${chunks.length} JavaScript chunk(s), ${kb(gzip)} gzipped (budget ${kb(budget)} gzipped)`);
      if (gzip > budget) this.error(`the console's JavaScript is ${kb(gzip)} gzipped, over its budget of ${kb(budget)}`);
    },
  };
}

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

function widgetBuild(entry: string, file: string, plugins: Plugin[], define: Record<string, string> = {}): UserConfig {
  return {
    root,
    publicDir: false,
    oxc: jsx,
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...define },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2020',
      // Our budget plugin prints the gzipped sizes that count (level 9, KiB); Vite's own figure would differ.
      reportCompressedSize: false,
      lib: { entry, name: 'TandemWidget', formats: ['iife'], fileName: () => file },
    },
    plugins,
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'widget-app') {
    return widgetBuild('widget/customer/main.tsx', 'widget-app.js', [
      websocketOnly(),
      sizeBudget('widget-app.js', FULL_WIDGET_BUDGET_BYTES, {}, 'full widget'),
    ]);
  }
  if (mode === 'widget') {
    return widgetBuild(
      'widget/customer/loader.ts',
      'widget.js',
      [sizeBudget('widget.js', LOADER_BUDGET_BYTES, { 'widget-app.js': { budget: FULL_WIDGET_BUDGET_BYTES, label: 'full widget' } }, 'loader')],
      { __TANDEM_APP_VERSION__: JSON.stringify(appVersion()) },
    );
  }
  return {
    root: `${root}widget/console`,
    base: '/console/',
    publicDir: false,
    oxc: jsx,
    build: {
      outDir: `${root}dist/console`,
      emptyOutDir: true,
      target: 'es2022',
    },
    plugins: [consoleBudget(CONSOLE_BUDGET_BYTES)],
  };
});
