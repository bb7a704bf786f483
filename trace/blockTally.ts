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

  /** Counts one request's blocks; a block listed twice in one request counts once for "reused". */
  addRequest(requestIndex: number, ids: readonly number[]): void {
    this.references += ids.length;
    for (const id of ids) {
      if (id < DENSE_LIMIT) this.addDense(requestIndex, id);
      else this.addSparse(requestIndex, id);
    }
  }

  /** Blocks that appear in more than one request. */
  reused(): number {
    let reused = 0;
    for (const requests of this.requestsWith) if (requests > 1) reused++;
    for (const { requests } of this.sparse.values()) if (requests > 1) reused++;
    return reused;
  }

  private addDense(requestIndex: number, id: number): void {
    if (id >= this.requestsWith.length) this.grow(id);
    if (this.lastRequest[id] === requestIndex) return;
    if (this.requestsWith[id] === 0) this.unique++;
    this.requestsWith[id]++;
    this.lastRequest[id] = requestIndex;
  }

  private addSparse(requestIndex: number, id: number): void {
    const entry = this.sparse.get(id);
    if (!entry) {
      this.sparse.set(id, { requests: 1, last: requestIndex });
      this.unique++;
    } else if (entry.last !== requestIndex) {
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
