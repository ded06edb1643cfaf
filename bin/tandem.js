#!/usr/bin/env node
// `npx tandem …`: plain JavaScript so it can check the Node version before loading TypeScript sources
// (Node runs them directly by stripping types), then hands over to server/cli.ts.
import '../server/check-node.js';

// Node announces type stripping with an ExperimentalWarning on stderr; the commands' stderr is for errors.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning') return;
  emitWarning.call(process, warning, ...rest);
};

const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
