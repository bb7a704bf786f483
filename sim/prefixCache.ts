/**
 * One worker's prefix cache of KV blocks, least recently used first out. A list through slots,
 * oldest first, gives the order. A Map's own insertion order would, too, but every eviction leaves
 * a hole that iteration from its oldest entry walks again, which grows quadratic over a trace.
 */
export class PrefixCache {
  private readonly slotOf = new Map<number, number>();
  private readonly key: number[] = [];
  private readonly newer: number[] = [];
  private readonly older: number[] = [];
  private readonly free: number[] = [];
  private oldest = -1;
  private newest = -1;

  constructor(readonly capacityBlocks: number) {}

  /** How many of the request's blocks, counted from the first, are cached. */
  matchPrefix(ids: readonly number[]): number {
    let hit = 0;
    while (hit < ids.length && this.slotOf.has(ids[hit])) hit++;
    return hit;
  }

  /** Caches the request's blocks as the most recent, evicting the oldest beyond capacity. */
  insert(ids: readonly number[]): void {
    if (this.capacityBlocks <= 0) return;
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) this.append(id);
      else if (slot !== this.newest) {
        this.unlink(slot);
        this.link(slot);
      }
    }
    while (this.slotOf.size > this.capacityBlocks) {
      const slot = this.oldest;
      this.unlink(slot);
      this.slotOf.delete(this.key[slot]);
      this.free.push(slot);
    }
  }

  get size(): number {
    return this.slotOf.size;
  }

  private append(id: number): void {
    const slot = this.free.pop() ?? this.key.length;
    this.key[slot] = id;
    this.slotOf.set(id, slot);
    this.link(slot);
  }

  /** Puts a slot at the newest end. */
  private link(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = -1;
    if (this.newest >= 0) this.newer[this.newest] = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: number): void {
    const older = this.older[slot];
    const newer = this.newer[slot];
    if (older >= 0) this.newer[older] = newer;
    else this.oldest = newer;
    if (newer >= 0) this.older[newer] = older;
    else this.newest = older;
  }
}
