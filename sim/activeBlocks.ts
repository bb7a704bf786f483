interface InFlight {
  endMs: number;
  worker: number;
  blocks: number;
}

/** Blocks of the requests still in flight on each worker, released as simulated time passes. */
export class ActiveBlocks {
  readonly perWorker: Float64Array;
  private readonly heap: InFlight[] = [];

  constructor(workers: number) {
    this.perWorker = new Float64Array(workers);
  }

  add(request: InFlight): void {
    this.perWorker[request.worker] += request.blocks;
    this.heap.push(request);
    let child = this.heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.heap[parent].endMs <= this.heap[child].endMs) break;
      [this.heap[parent], this.heap[child]] = [this.heap[child], this.heap[parent]];
      child = parent;
    }
  }

  /** Releases every request that ended by `nowMs`. */
  advanceTo(nowMs: number): void {
    while (this.heap.length > 0 && this.heap[0].endMs <= nowMs) {
      const done = this.heap[0];
      this.perWorker[done.worker] -= done.blocks;
      const last = this.heap.pop()!;
      if (this.heap.length === 0) break;
      this.heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < this.heap.length && this.heap[left].endMs < this.heap[smallest].endMs) smallest = left;
        if (right < this.heap.length && this.heap[right].endMs < this.heap[smallest].endMs) smallest = right;
        if (smallest === parent) break;
        [this.heap[parent], this.heap[smallest]] = [this.heap[smallest], this.heap[parent]];
        parent = smallest;
      }
    }
  }
}
