/**
 * One worker's prefix cache of 512-token blocks, least recently used first out. A Map keeps
 * insertion order, so re-inserting a block marks it most recent and the first key is the oldest.
 */
export class PrefixCache {
  private readonly blocks = new Map<number, true>();

  constructor(readonly capacityBlocks: number) {}

  /** How many of the request's blocks, counted from the first, are cached. */
  matchPrefix(ids: readonly number[]): number {
    let hit = 0;
    while (hit < ids.length && this.blocks.has(ids[hit])) hit++;
    return hit;
  }

  /** Caches the request's blocks as the most recent, evicting the oldest beyond capacity. */
  insert(ids: readonly number[]): void {
    if (this.capacityBlocks === 0) return;
    for (const id of ids) {
      this.blocks.delete(id);
      this.blocks.set(id, true);
    }
    for (const oldest of this.blocks.keys()) {
      if (this.blocks.size <= this.capacityBlocks) break;
      this.blocks.delete(oldest);
    }
  }

  get size(): number {
    return this.blocks.size;
  }
}
