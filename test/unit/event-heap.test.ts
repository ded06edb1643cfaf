// The simulator's event heap pops events in (time, rank, insertion) order, so seeded runs replay exactly.
import { describe, expect, it } from 'vitest';
import { EventHeap, type HeapEntry } from '../../server/sim/event-heap.ts';
import { Random } from '../../server/sim/random.ts';

interface Pushed {
  time: number;
  rank: number;
  seq: number;
  item: string;
}

function byKey(a: Pushed, b: Pushed): number {
  return a.time - b.time || a.rank - b.rank || a.seq - b.seq;
}

function drain<T>(heap: EventHeap<T>): HeapEntry<T>[] {
  const out: HeapEntry<T>[] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e);
  return out;
}

describe('an empty heap', () => {
  it('has nothing to pop or peek', () => {
    const heap = new EventHeap<string>();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekTime()).toBeUndefined();
  });
});

describe('ordering', () => {
  it('pops by time, then rank, then the order of pushing', () => {
    const heap = new EventHeap<string>();
    heap.push(5, 0, 'late');
    heap.push(1, 2, 'early, rank 2, first');
    heap.push(1, 1, 'early, rank 1');
    heap.push(1, 2, 'early, rank 2, second');
    heap.push(0.5, 9, 'earliest');
    expect(drain(heap).map((e) => e.item)).toEqual([
      'earliest',
      'early, rank 1',
      'early, rank 2, first',
      'early, rank 2, second',
      'late',
    ]);
  });

  it('numbers entries by push, across pops', () => {
    const heap = new EventHeap<string>();
    heap.push(3, 0, 'a');
    expect(heap.pop()).toEqual({ time: 3, rank: 0, seq: 0, item: 'a' });
    heap.push(1, 0, 'b');
    heap.push(1, 0, 'c');
    expect(drain(heap)).toEqual([
      { time: 1, rank: 0, seq: 1, item: 'b' },
      { time: 1, rank: 0, seq: 2, item: 'c' },
    ]);
  });

  it('orders infinite and negative times like any other', () => {
    const heap = new EventHeap<string>();
    heap.push(Infinity, 0, 'never');
    heap.push(-2, 0, 'before zero');
    heap.push(0, 0, 'zero');
    heap.push(-Infinity, 0, 'first of all');
    expect(drain(heap).map((e) => e.item)).toEqual(['first of all', 'before zero', 'zero', 'never']);
  });

  it('pops 20 000 random pushes with many ties in sorted order', () => {
    const r = new Random(11);
    const heap = new EventHeap<string>();
    const pushed: Pushed[] = [];
    for (let seq = 0; seq < 20_000; seq++) {
      // Coarse times and few ranks, so most keys tie on time and many on rank as well.
      const time = Math.floor(r.next() * 200);
      const rank = Math.floor(r.next() * 4);
      const item = `event ${seq}`;
      heap.push(time, rank, item);
      pushed.push({ time, rank, seq, item });
    }
    expect(heap.size).toBe(20_000);
    expect(heap.peekTime()).toBe(Math.min(...pushed.map((p) => p.time)));
    expect(drain(heap)).toEqual(pushed.sort(byKey));
    expect(heap.size).toBe(0);
  });
});

describe('interleaved pushes and pops', () => {
  it('agree with a sorted-array reference step by step', () => {
    const r = new Random(12);
    const heap = new EventHeap<number>();
    const reference: Pushed[] = []; // kept sorted by key
    let now = 0;
    let seq = 0;
    for (let step = 0; step < 50_000; step++) {
      // Push more often than pop early on, so the heap grows past its first capacity, then mostly pop.
      const pushBias = step < 40_000 ? 0.6 : 0.2;
      if (reference.length === 0 || r.next() < pushBias) {
        const time = now + Math.floor(r.next() * 50) / 4; // never in the past, often tied
        const rank = Math.floor(r.next() * 3);
        heap.push(time, rank, seq);
        const entry = { time, rank, seq, item: String(seq) };
        let lo = 0;
        let hi = reference.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (byKey(reference[mid]!, entry) < 0) lo = mid + 1;
          else hi = mid;
        }
        reference.splice(lo, 0, entry);
        seq++;
      } else {
        expect(heap.peekTime()).toBe(reference[0]!.time);
        const got = heap.pop();
        const want = reference.shift()!;
        expect(got).toEqual({ time: want.time, rank: want.rank, seq: want.seq, item: want.seq });
        now = want.time;
      }
      expect(heap.size).toBe(reference.length);
    }
    expect(reference.length).toBeGreaterThan(64); // the heap did grow past its first capacity
    expect(drain(heap).map((e) => e.seq)).toEqual(reference.map((e) => e.seq));
  });
});

describe('bad keys', () => {
  it('refuses a NaN time or rank, which would corrupt the order', () => {
    const heap = new EventHeap<string>();
    expect(() => heap.push(Number.NaN, 0, 'x')).toThrow(RangeError);
    expect(() => heap.push(0, Number.NaN, 'x')).toThrow(RangeError);
    expect(heap.size).toBe(0);
  });
});
