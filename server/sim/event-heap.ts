// The simulator's future-event list: a binary min-heap ordered by (time, rank, insertion order), so events at the
// same instant come out in a fixed order and a seeded run replays exactly. Keys live in parallel Float64Arrays
// (measured faster than an array of entry objects at 100k entries, and steadier), items in a plain array.

/** An event taken off the heap. `seq` is the heap's own insertion counter, the last tie-break. */
export interface HeapEntry<T> {
  time: number;
  rank: number;
  seq: number;
  item: T;
}

const INITIAL_CAPACITY = 64;

/** A min-heap of items keyed by (time, rank, seq); `seq` is assigned on push, so equal keys pop first-in first-out. */
export class EventHeap<T> {
  #times = new Float64Array(INITIAL_CAPACITY);
  #ranks = new Float64Array(INITIAL_CAPACITY);
  #seqs = new Float64Array(INITIAL_CAPACITY);
  #items: (T | undefined)[] = [];
  #size = 0;
  #nextSeq = 0;

  /** Number of events waiting. */
  get size(): number {
    return this.#size;
  }

  /** Add an event at `time`; among events at the same time a lower `rank` comes first, then the earlier push. */
  push(time: number, rank: number, item: T): void {
    if (Number.isNaN(time) || Number.isNaN(rank)) throw new RangeError('an event needs a time and rank that are numbers');
    if (this.#size === this.#times.length) this.#grow();
    const times = this.#times;
    const ranks = this.#ranks;
    const seqs = this.#seqs;
    const items = this.#items;
    const seq = this.#nextSeq++;
    // Sift up with a hole: move parents down until the new key's place is found, then write it once.
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && (ranks[parent]! < rank || (ranks[parent] === rank && seqs[parent]! < seq)))) break;
      times[i] = pt;
      ranks[i] = ranks[parent]!;
      seqs[i] = seqs[parent]!;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    ranks[i] = rank;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Remove and return the earliest event, or undefined when there is none. */
  pop(): HeapEntry<T> | undefined {
    const n = this.#size;
    if (n === 0) return undefined;
    const times = this.#times;
    const ranks = this.#ranks;
    const seqs = this.#seqs;
    const items = this.#items;
    const top: HeapEntry<T> = { time: times[0]!, rank: ranks[0]!, seq: seqs[0]!, item: items[0] as T };
    const m = n - 1;
    this.#size = m;
    const time = times[m]!;
    const rank = ranks[m]!;
    const seq = seqs[m]!;
    const item = items[m];
    items[m] = undefined; // let the heap drop its reference
    if (m > 0) {
      // Sift the last entry down from the root with a hole.
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= m) break;
        const right = child + 1;
        if (right < m) {
          const lt = times[child]!;
          const rt = times[right]!;
          if (rt < lt || (rt === lt && (ranks[right]! < ranks[child]! || (ranks[right] === ranks[child] && seqs[right]! < seqs[child]!)))) {
            child = right;
          }
        }
        const ct = times[child]!;
        if (time < ct || (time === ct && (rank < ranks[child]! || (rank === ranks[child] && seq < seqs[child]!)))) break;
        times[i] = ct;
        ranks[i] = ranks[child]!;
        seqs[i] = seqs[child]!;
        items[i] = items[child];
        i = child;
      }
      times[i] = time;
      ranks[i] = rank;
      seqs[i] = seq;
      items[i] = item;
    }
    return top;
  }

  /** Time of the earliest event without removing it, or undefined when there is none. */
  peekTime(): number | undefined {
    return this.#size === 0 ? undefined : this.#times[0];
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    const widen = (from: Float64Array): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(capacity);
      to.set(from);
      return to;
    };
    this.#times = widen(this.#times);
    this.#ranks = widen(this.#ranks);
    this.#seqs = widen(this.#seqs);
  }
}
