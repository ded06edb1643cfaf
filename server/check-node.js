// Plain JavaScript on purpose: it must run, and explain itself, on a Node too old for the rest of Tandem.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`Tandem needs Node.js 22.18 or newer (found ${process.version}). Install Node 22 LTS and try again.`);
  process.exit(1);
}
