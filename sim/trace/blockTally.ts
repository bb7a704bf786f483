const DENSE_LIMIT = 1 << 26;

/**
 * Which prefix blocks a trace references, and which appear in more than one request. Mooncake's
 * remapped ids are small dense integers, so they index typed arrays; any id beyond that goes to a Map.
 */
export class BlockTally {
  /** 1 + the index of the last request that referenced each id; 0 for none, so new arrays need no fill. */
  private lastRequestPlusOne = new Uint32Array(1 << 16);
  /** 1 for an id already counted as reused. */
  private reusedFlag = new Uint8Array(1 << 16);
  /** The same two facts for ids beyond the dense range. */
  private readonly sparse = new Map<number, { last: number; reused: boolean }>();
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
    if (id >= this.lastRequestPlusOne.length) this.grow(id);
    const last = this.lastRequestPlusOne[id];
    if (last === requestIndex + 1) return;
    if (last === 0) {
      this.unique++;
    } else if (this.reusedFlag[id] === 0) {
      this.reused++;
      this.reusedFlag[id] = 1;
    }
    this.lastRequestPlusOne[id] = requestIndex + 1;
  }

  private addSparse(requestIndex: number, id: number): void {
    const entry = this.sparse.get(id);
    if (!entry) {
      this.sparse.set(id, { last: requestIndex, reused: false });
      this.unique++;
    } else if (entry.last !== requestIndex) {
      if (!entry.reused) {
        this.reused++;
        entry.reused = true;
      }
      entry.last = requestIndex;
    }
  }

  private grow(id: number): void {
    let size = this.lastRequestPlusOne.length;
    while (size <= id) size *= 2;
    const lastRequestPlusOne = new Uint32Array(size);
    lastRequestPlusOne.set(this.lastRequestPlusOne);
    const reusedFlag = new Uint8Array(size);
    reusedFlag.set(this.reusedFlag);
    this.lastRequestPlusOne = lastRequestPlusOne;
    this.reusedFlag = reusedFlag;
  }
}
