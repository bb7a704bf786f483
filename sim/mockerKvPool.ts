import type { PromptBlocks } from "./promptBlocks";
import { TRACE_BLOCK_TOKENS } from "./promptBlocks";

/** A full block's identity: its content and the whole prefix before it, as the mocker's sequence hash is. */
export type BlockKey = number;

interface LineageNode {
  /** A real inactive block, or a ghost: the place of a parent that is not inactive, kept while it has children. */
  real: boolean;
  parent: BlockKey | null;
  children: number;
  /** When the node last became real: the eviction order of leaves. */
  tick: number;
}

/**
 * One mocker worker's KV blocks, as Dynamo's mocker keeps them (ai-dynamo/dynamo@4cba833f
 * `lib/mocker/src/kv_manager/kvbm_backend.rs` over `lib/kvbm-logical`):
 * - a block is free (the reset pool), active (held by running requests, counted once however many
 *   share it), or inactive: a full block no request holds, still cached and reusable;
 * - a new block comes from the free ones first, then by evicting an inactive one
 *   (`manager/mod.rs` `allocate_blocks`);
 * - the inactive blocks form a lineage graph, each linked to the block before it, and only leaves
 *   are evicted, the one that became inactive first going first
 *   (`pools/inactive/backends/lineage/mod.rs`, its default `Tick` order in `lineage/eviction.rs`).
 *   A leaf whose parent is still active hangs under a ghost; a parent that becomes a leaf again
 *   keeps its old place in the order.
 */
export class MockerKvPool {
  private readonly active = new Map<BlockKey, number>();
  private partials = 0;
  private readonly lineage = new Map<BlockKey, LineageNode>();
  private inactiveCount = 0;
  private nextTick = 0;
  /** Leaves by tick, with stale entries skipped when popped: [tick, key] pairs in a binary heap. */
  private readonly leaves: [number, BlockKey][] = [];

  constructor(
    readonly capacityBlocks: number,
    readonly blockSize: number,
  ) {}

  /** Blocks held by requests: `num_active_blocks` (total − free − inactive). */
  get activeBlocks(): number {
    return this.active.size + this.partials;
  }

  get inactiveBlocks(): number {
    return this.inactiveCount;
  }

  /** Full blocks the worker has registered, active or inactive: what its KV events told the router. */
  get registeredBlocks(): number {
    return this.active.size + this.inactiveCount;
  }

  isActive(key: BlockKey): boolean {
    return this.active.has(key);
  }

  isRegistered(key: BlockKey): boolean {
    return this.active.has(key) || this.lineage.get(key)?.real === true;
  }

  /** The router's view: how many of the prompt's full blocks, from the first, the worker has registered. */
  matchPrefix(prompt: PromptBlocks): number {
    const perTraceBlock = TRACE_BLOCK_TOKENS / this.blockSize;
    let hit = 0;
    for (let i = 0; i < prompt.ids.length; i++) {
      for (let k = 0; k < prompt.fills[i]; k++) {
        if (!this.isRegistered(prompt.ids[i] * perTraceBlock + k)) return hit;
        hit++;
      }
    }
    return hit;
  }

  /**
   * Holds the blocks, all or none (`Use` is all-or-nothing): a full block already active gains a
   * holder, an inactive one comes back, any other takes a free or evicted block, and so does each
   * partial block. The full blocks are `keys[from … to - 1]` of a sequence. False, changing nothing,
   * when the blocks do not fit.
   */
  use(keys: readonly BlockKey[], from: number, to: number, partials: number): boolean {
    let fresh = partials;
    let revived = 0;
    for (let b = from; b < to; b++) {
      if (this.active.has(keys[b])) continue;
      if (this.lineage.get(keys[b])?.real) revived++;
      else fresh++;
    }
    const free = this.capacityBlocks - this.activeBlocks - this.inactiveCount;
    if (fresh > free + this.inactiveCount - revived) return false;
    for (let b = from; b < to; b++) {
      const key = keys[b];
      const holders = this.active.get(key);
      if (holders !== undefined) {
        this.active.set(key, holders + 1);
        continue;
      }
      if (this.lineage.get(key)?.real) this.removeInactive(key);
      this.active.set(key, 1);
    }
    this.partials += partials;
    // Evict only after the revived blocks have left the inactive graph: they are not victims.
    for (let evict = this.activeBlocks + this.inactiveCount - this.capacityBlocks; evict > 0; evict--) this.evictOne();
    return true;
  }

  /** A partial block that filled up becomes a full block: the same slot, now registered under its key. */
  promote(key: BlockKey): void {
    this.partials--;
    this.active.set(key, 1);
  }

  releasePartial(): void {
    this.partials--;
  }

  /** Drops one holder of a full block, whose sequence has `parent` before it; the last one's leaving makes it inactive, still cached. */
  releaseFull(key: BlockKey, parent: BlockKey | null): void {
    const holders = this.active.get(key)!;
    if (holders > 1) {
      this.active.set(key, holders - 1);
      return;
    }
    this.active.delete(key);
    this.insertInactive(key, parent);
  }

  private insertInactive(key: BlockKey, parent: BlockKey | null): void {
    let node = this.lineage.get(key);
    if (node) {
      node.real = true;
      node.tick = this.nextTick++;
    } else {
      node = { real: true, parent: null, children: 0, tick: this.nextTick++ };
      this.lineage.set(key, node);
    }
    this.inactiveCount++;
    if (parent !== null && node.parent === null) {
      let above = this.lineage.get(parent);
      if (!above) {
        above = { real: false, parent: null, children: 0, tick: -1 };
        this.lineage.set(parent, above);
      }
      node.parent = parent;
      above.children++;
    }
    if (node.children === 0) this.pushLeaf(node.tick, key);
  }

  /** Takes a real node out of the graph: it stays as a ghost while it has children; childless ghosts go, up the chain. */
  private removeInactive(key: BlockKey): void {
    const node = this.lineage.get(key)!;
    node.real = false;
    this.inactiveCount--;
    let current = key;
    let at = node;
    while (at.children === 0 && !at.real) {
      this.lineage.delete(current);
      if (at.parent === null) return;
      current = at.parent;
      at = this.lineage.get(current)!;
      at.children--;
      if (at.children === 0 && at.real) {
        this.pushLeaf(at.tick, current);
        return;
      }
    }
  }

  private evictOne(): void {
    for (;;) {
      const [tick, key] = this.popLeaf();
      const node = this.lineage.get(key);
      if (node && node.real && node.children === 0 && node.tick === tick) {
        this.removeInactive(key);
        return;
      }
    }
  }

  private pushLeaf(tick: number, key: BlockKey): void {
    const heap = this.leaves;
    heap.push([tick, key]);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (heap[parent][0] <= tick) break;
      [heap[parent], heap[child]] = [heap[child], heap[parent]];
      child = parent;
    }
  }

  private popLeaf(): [number, BlockKey] {
    const heap = this.leaves;
    if (heap.length === 0) throw new Error("MockerKvPool: no inactive leaf to evict, though the counts said one was there");
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < heap.length && heap[left][0] < heap[smallest][0]) smallest = left;
        if (right < heap.length && heap[right][0] < heap[smallest][0]) smallest = right;
        if (smallest === parent) break;
        [heap[parent], heap[smallest]] = [heap[smallest], heap[parent]];
        parent = smallest;
      }
    }
    return top;
  }
}
