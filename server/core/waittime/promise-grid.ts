// The numbers a customer can be promised. A promise is rounded UP to one of them, and calibration runs on the
// rounded value, because that is the number the customer reads (rounding down, as some products do, breaks
// promises it never meant to make).

/** Seconds: every 15 s to 2 minutes, every 30 s to 6, every minute to 15, then 20, 25, 30 minutes. */
export const PROMISE_GRID: readonly number[] = [
  ...[15, 30, 45, 60, 75, 90, 105, 120],
  ...[150, 180, 210, 240, 270, 300, 330, 360],
  ...[420, 480, 540, 600, 660, 720, 780, 840, 900],
  ...[1200, 1500, 1800],
];

/** The longest wait Tandem puts a number on; beyond it, an honest "no number". */
export const MAX_PROMISE_SECONDS = PROMISE_GRID[PROMISE_GRID.length - 1]!;

/** The smallest grid value at or above `seconds`, or null above the grid. */
export function roundUpToGrid(seconds: number): number | null {
  for (const step of PROMISE_GRID) if (seconds <= step) return step;
  return null;
}
