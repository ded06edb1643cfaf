// Where the Tandem nodes spent their CPU during a load run (`npm run bench:load -- --cpu-prof`): reads the
// V8 .cpuprofile files that `--cpu-prof` wrote and prints the busiest places three ways: by package or repo
// file (self time), by function (self time), and by our own server functions including what they call.
// Also runnable on its own: node test/bench/load/profile-summary.ts <folder of .cpuprofile files>
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: a package, a repo file, Node's own code, or V8's pseudo-frames. */
function place(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return relative(REPO_ROOT, path);
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = place(url, functionName);
  return `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
}

/** A text summary of every .cpuprofile in `dir`, or '' when there is none. */
export function summarizeProfiles(dir: string, top = 20): string {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return '';
  }
  if (!files.length) return '';
  const selfByPlace = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const totalByOwnFrame = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // ms; a sample's time is the gap to the next one
      const leaf = byId.get(profile.samples[i]!)!;
      if (leaf.callFrame.functionName === '(idle)') {
        idle += dt;
        continue;
      }
      total += dt;
      const leafPlace = place(leaf.callFrame.url, leaf.callFrame.functionName);
      selfByPlace.set(leafPlace, (selfByPlace.get(leafPlace) ?? 0) + dt);
      const name = frameName(leaf);
      selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + dt);
      // Inclusive time of our own code (server/, shared/): each function once per sample.
      const seen = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const node = byId.get(id)!;
        const p = place(node.callFrame.url, node.callFrame.functionName);
        if (!p.startsWith('server/') && !p.startsWith('shared/')) continue;
        const frame = frameName(node);
        if (seen.has(frame)) continue;
        seen.add(frame);
        totalByOwnFrame.set(frame, (totalByOwnFrame.get(frame) ?? 0) + dt);
      }
    }
  }
  const list = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `    ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`)
      .join('\n');
  return [
    `  ${files.length} profile(s): ${(total / 1000).toFixed(1)} s on CPU, ${(idle / 1000).toFixed(1)} s idle`,
    `  self time by package or file:`,
    list(selfByPlace, top),
    `  self time by function:`,
    list(selfByFrame, top),
    `  our own functions, including what they call:`,
    list(totalByOwnFrame, top),
  ].join('\n');
}

if (process.argv[1] === import.meta.filename) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/bench/load/profile-summary.ts <folder of .cpuprofile files>');
    process.exit(2);
  }
  process.stdout.write(`${summarizeProfiles(dir, Number(process.argv[3] ?? 25)) || 'no .cpuprofile files there'}\n`);
}
