/** A min-heap of timed events; events at the same time come out in the order they went in. */
export class EventQueue<T> {
  private readonly heap: { time: number; order: number; event: T }[] = [];
  private added = 0;

  get size(): number {
    return this.heap.length;
  }

  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0].time : Infinity;
  }

  push(time: number, event: T): void {
    const heap = this.heap;
    heap.push({ time, order: this.added++, event });
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) break;
      [heap[parent], heap[child]] = [heap[child], heap[parent]];
      child = parent;
    }
  }

  pop(): { time: number; event: T } {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let first = parent;
        if (left < heap.length && this.before(left, first)) first = left;
        if (right < heap.length && this.before(right, first)) first = right;
        if (first === parent) break;
        [heap[parent], heap[first]] = [heap[first], heap[parent]];
        parent = first;
      }
    }
    return { time: top.time, event: top.event };
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.time < y.time || (x.time === y.time && x.order < y.order);
  }
}
