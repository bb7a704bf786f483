const DENSE_LIMIT = 1 << 26;

/**
 * How many requests reference each prefix block. Mooncake's remapped ids are small dense
 * integers, so they index typed arrays; any id beyond that goes to a Map.
 */
export class BlockTally {
  private requestsWith = new Uint32Array(1 << 16);
  private lastRequest = new Int32Array(1 << 16).fill(-1);
  private readonly sparse = new Map<number, { requests: number; last: number }>();
  unique = 0;
  references = 0;
  /** Blocks that appear in more than one request. */
  reused = 0;

  /** Counts one request's blocks; a block listed twice in one request counts once for "reused". */
  addRequest(requestIndex: number, ids: readonly number[]): void {
    this.references += ids.length;
    for (const id of ids) {
      if (id < DENSE_LIMIT) this.addDense(requestIndex, id);
      else this.addSparse(requestIndex, id);
    }
  }

  private addDense(requestIndex: number, id: number): void {
    if (id >= this.requestsWith.length) this.grow(id);
    if (this.lastRequest[id] === requestIndex) return;
    if (this.requestsWith[id] === 0) this.unique++;
    else if (this.requestsWith[id] === 1) this.reused++;
    this.requestsWith[id]++;
    this.lastRequest[id] = requestIndex;
  }

  private addSparse(requestIndex: number, id: number): void {
    const entry = this.sparse.get(id);
    if (!entry) {
      this.sparse.set(id, { requests: 1, last: requestIndex });
      this.unique++;
    } else if (entry.last !== requestIndex) {
      if (entry.requests === 1) this.reused++;
      entry.requests++;
      entry.last = requestIndex;
    }
  }

  private grow(id: number): void {
    let size = this.requestsWith.length;
    while (size <= id) size *= 2;
    const requestsWith = new Uint32Array(size);
    requestsWith.set(this.requestsWith);
    const lastRequest = new Int32Array(size).fill(-1);
    lastRequest.set(this.lastRequest);
    this.requestsWith = requestsWith;
    this.lastRequest = lastRequest;
  }
}
