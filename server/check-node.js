// Plain JavaScript on purpose: it must run, and explain itself, on a Node too old for the rest of Tandem.
// The floor is read from package.json "engines", the one place it is written.
import { readFileSync } from 'node:fs';

const wanted = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const floor = /^>=\s*(\d+)\.(\d+)/.exec(wanted);
if (!floor) throw new Error(`package.json engines.node should read ">=MAJOR.MINOR.PATCH", not "${wanted}"`);
const [major, minor] = process.versions.node.split('.').map(Number);
const [needMajor, needMinor] = [Number(floor[1]), Number(floor[2])];
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(`Tandem needs Node.js ${needMajor}.${needMinor} or newer (found ${process.version}). Install Node 22 LTS and try again.`);
  process.exit(1);
}
