// Two builds from one config: `vite build --mode widget` makes the drop-in customer widget (one IIFE script,
// size-budgeted), `vite build --mode console` makes the agent console (a Preact app served at /console/).
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** Gzipped size budget of dist/widget.js, in bytes; the build fails above it. */
const WIDGET_BUDGET_BYTES = 40 * 1024;

const root = fileURLToPath(new URL('.', import.meta.url));

function sizeBudget(file: string, budget: number): Plugin {
  return {
    name: 'tandem-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunk = bundle[file];
      if (!chunk || chunk.type !== 'chunk') this.error(`size budget: ${file} was not produced`);
      const raw = Buffer.byteLength(chunk.code);
      const gzip = gzipSync(chunk.code, { level: 9 }).byteLength;
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(`\n${file}: ${kb(raw)} minified, ${kb(gzip)} gzipped (budget ${kb(budget)} gzipped)`);
      if (gzip > budget) this.error(`${file} is ${kb(gzip)} gzipped, over its budget of ${kb(budget)}`);
    },
  };
}

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

export default defineConfig(({ mode }) => {
  if (mode === 'widget') {
    return {
      root,
      publicDir: false,
      oxc: jsx,
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2020',
        lib: {
          entry: 'widget/customer/main.tsx',
          name: 'TandemWidget',
          formats: ['iife'],
          fileName: () => 'widget.js',
        },
      },
      plugins: [sizeBudget('widget.js', WIDGET_BUDGET_BYTES)],
    };
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
  };
});
