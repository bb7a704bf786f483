import type { PromptBlocks } from "./promptBlocks";

/**
 * One worker's prefix cache of KV blocks, least recently used first out, counted in engine blocks
 * and kept a trace block at a time (see `PromptBlocks`). A list through slots, oldest first, gives
 * the order. A Map's own insertion order would too, but every eviction leaves a hole that
 * iteration from its oldest entry walks again, which grows quadratic over a trace.
 */
export class PrefixCache {
  private readonly slotOf = new Map<number, number>();
  private readonly key: number[] = [];
  private readonly fill: number[] = [];
  private readonly newer: number[] = [];
  private readonly older: number[] = [];
  private readonly free: number[] = [];
  private oldest = -1;
  private newest = -1;
  /** Engine blocks held. */
  size = 0;

  constructor(readonly capacityBlocks: number) {}

  /** How many of the prompt's engine blocks, counted from the first, are cached. */
  matchPrefix(prompt: PromptBlocks): number {
    let hit = 0;
    for (let i = 0; i < prompt.ids.length; i++) {
      const slot = this.slotOf.get(prompt.ids[i]);
      if (slot === undefined) break;
      hit += Math.min(this.fill[slot], prompt.fills[i]);
      if (this.fill[slot] < prompt.fills[i]) break;
    }
    return hit;
  }

  /** Caches the prompt's blocks as the most recent, evicting the oldest beyond capacity. */
  insert(prompt: PromptBlocks): void {
    if (this.capacityBlocks <= 0) return;
    for (let i = 0; i < prompt.ids.length; i++) {
      const slot = this.slotOf.get(prompt.ids[i]);
      if (slot === undefined) {
        this.append(prompt.ids[i], prompt.fills[i]);
        continue;
      }
      if (prompt.fills[i] > this.fill[slot]) {
        this.size += prompt.fills[i] - this.fill[slot];
        this.fill[slot] = prompt.fills[i];
      }
      if (slot !== this.newest) {
        this.unlink(slot);
        this.link(slot);
      }
    }
    while (this.size > this.capacityBlocks) {
      const slot = this.oldest;
      this.unlink(slot);
      this.slotOf.delete(this.key[slot]);
      this.size -= this.fill[slot];
      this.free.push(slot);
    }
  }

  private append(id: number, fill: number): void {
    const slot = this.free.pop() ?? this.key.length;
    this.key[slot] = id;
    this.fill[slot] = fill;
    this.size += fill;
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
