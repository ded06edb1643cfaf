/**
 * kill -9 test writer, spawned by storage-engines.ts:
 *
 *   node test/bench/storage-writer.ts <pglite|sqlite> <dataDir> [maxRows]
 *
 * Opens (creating) the data dir, then inserts rows msg-1, msg-2, … one at a
 * time in autocommit. After each insert's commit has returned it prints the
 * row number on its own stdout line: that line is the "acknowledgement" a
 * client would have received. The parent SIGKILLs this process mid-stream and
 * then checks that every acknowledged row survived.
 */
import { writeSync } from 'node:fs';
import { isEngineName, makeRow, openEngine } from './storage-engines.ts';

/** Upper bound so the writer ends on its own if the parent never kills it. */
const DEFAULT_MAX_ROWS = 50_000;

const [engine, dir, maxArg] = process.argv.slice(2);
if (!isEngineName(engine) || dir === undefined) {
  console.error('usage: node test/bench/storage-writer.ts <pglite|sqlite> <dataDir> [maxRows]');
  process.exit(2);
}
const maxRows = maxArg === undefined ? DEFAULT_MAX_ROWS : Number(maxArg);

const db = await openEngine(engine, dir);
for (let n = 1; n <= maxRows; n++) {
  await db.insert(makeRow(n));
  // Synchronous write: the ack is in the pipe before the next insert starts,
  // so the parent never sees an ack for a row whose commit had not returned.
  writeSync(1, `${n}\n`);
}
await db.close();
