/**
 * Started topologies kept between scenario runs. A run gives its topology back when it has
 * collected; the next run of the same shape (same images and node options, configurations
 * aside) gets it reset instead of a new one, and a run's topology can be made ready in the
 * background while the run before it still drives its faults (warm). A reset is checked against
 * the state the topology came up in (topology-state.ts); one that leaves anything behind is
 * stopped and a new topology brought up instead, so reuse never weakens isolation.
 */
import { oneLine } from "../errors.js";
import type { StartedTopology } from "../topology/started-topology.js";
import {
  checkClean,
  onlyTrafficLeft,
  stateLeaks,
  topologyState,
  type TopologyState,
} from "../topology/topology-state.js";
import { keptTables, resetNetwork } from "../topology/reset-topology.js";
import type { HandedOver } from "./restart-standins.js";

export interface PoolRequest {
  /** Topologies of one shape can be reset into each other; undefined: never reused. */
  shape: string | undefined;
  /** Brings up a new topology for the run. */
  create(): Promise<StartedTopology>;
  /**
   * Restarts the programs of a reused topology for the run (its network is the pool's): the old
   * programs ended and the new ones left starting, with the commands that wait for them, so the
   * network's reset runs while they start.
   */
  handOver(topo: StartedTopology): Promise<HandedOver>;
  /**
   * A topology warmed for the run is ready (checked clean, or new with its state read): what the
   * run would do first may start now, while other runs drive their faults. A failure here is
   * the run's to meet again, never the warm's.
   */
  ready?(topo: StartedTopology): Promise<void>;
}

export interface Prepared {
  topo: StartedTopology;
  reused: boolean;
  /**
   * Milliseconds: a new topology's bring-up phases, or a reset's. A new one brought up because
   * a reset failed has `resetFailed` too (the time the failed reset took), so the catalogue's
   * figures show a pool that falls back, not only the run's steps log.
   */
  steps: Record<string, number>;
  notes: string[];
}

interface Kept {
  topo: StartedTopology;
  shape: string;
  pristine: TopologyState;
}

export interface TopologyPoolOptions {
  /** Topologies alive at once (busy, idle and warming); default 2. */
  max?: number;
  /** Called once a topology is stopped (the runner frees its slot). */
  onStopped?: (topo: StartedTopology) => void;
  signal?: AbortSignal;
}

export class TopologyPool {
  private readonly idle: Kept[] = [];
  private readonly pristine = new Map<StartedTopology, { shape: string; state: TopologyState }>();
  private readonly warming = new Map<string, Promise<Prepared>>();
  /** Warms that found no room, oldest first: started as soon as a topology comes back. */
  private readonly pending = new Map<string, PoolRequest>();
  /** The runs coming after the next one, in order (upcoming()), none taken yet. */
  private later: [string, PoolRequest][] = [];
  private alive = 0;
  private closed = false;

  constructor(private readonly o: TopologyPoolOptions = {}) {}

  private get max(): number {
    return Math.max(1, this.o.max ?? 2);
  }

  /**
   * Starts making a topology ready for run `id` now when there is room, else as soon as a
   * topology is given back (so the reset runs while other runs drive their faults, not while
   * this one waits); take() picks it up.
   */
  warm(id: string, req: PoolRequest): void {
    if (this.closed || this.o.signal?.aborted || this.warming.has(id)) return;
    if (!this.fits(req)) {
      this.pending.set(id, req);
      return;
    }
    this.pending.delete(id);
    const p = this.prepare(req).then(async (prepared) => {
      await req.ready?.(prepared.topo).catch(() => undefined);
      return prepared;
    });
    // A warm that fails is retried by take(); until then nobody waits on it.
    p.catch(() => undefined);
    this.warming.set(id, p);
  }

  /**
   * The runs coming after the ones already warmed, in order: a topology given back (or idle now)
   * is reset at once for the first of them of its shape, instead of when the run before that one
   * starts (a topology sat idle for seconds between the two while the reset was then waited
   * for). No new topology is brought up for them: only idle ones are reset ahead.
   */
  upcoming(runs: [string, PoolRequest][]): void {
    this.later = runs;
    this.warmLater();
  }

  private warmLater(): void {
    for (const [id, req] of this.later)
      if (!this.warming.has(id) && req.shape !== undefined && this.idle.some((k) => k.shape === req.shape))
        this.warm(id, req);
  }

  private fits(req: PoolRequest): boolean {
    return (req.shape !== undefined && this.idle.some((k) => k.shape === req.shape)) || this.alive < this.max;
  }

  /** The oldest pending warm that fits now, started. */
  private warmPending(): void {
    for (const [id, req] of this.pending)
      if (this.fits(req)) {
        this.warm(id, req);
        return;
      }
  }

  /** The topology for run `id`: the one warmed for it, else one made ready now. */
  async take(id: string, req: PoolRequest): Promise<Prepared> {
    this.pending.delete(id);
    this.later = this.later.filter(([l]) => l !== id);
    const warmed = this.warming.get(id);
    this.warming.delete(id);
    if (warmed) {
      try {
        return await warmed;
      } catch {
        // Made again below, now with the caller waiting (and its error, if it fails again).
      }
    }
    return this.prepare(req);
  }

  /** Back from a run: kept for the next of its shape when `reusable`, else stopped. */
  async give(topo: StartedTopology, reusable: boolean): Promise<void> {
    const p = this.pristine.get(topo);
    if (reusable && p && !this.closed && !this.o.signal?.aborted) {
      this.idle.push({ topo, shape: p.shape, pristine: p.state });
      this.warmPending();
      this.warmLater();
      return;
    }
    await this.stop(topo);
    this.warmPending();
  }

  /** Stops every topology the pool holds, and those still warming; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    this.later = [];
    const warming = [...this.warming.values()];
    this.warming.clear();
    const warmed = await Promise.allSettled(warming);
    const stops = warmed.flatMap((w) => (w.status === "fulfilled" ? [this.stop(w.value.topo)] : []));
    stops.push(...this.idle.splice(0).map((k) => this.stop(k.topo)));
    await Promise.allSettled(stops);
  }

  private async stop(topo: StartedTopology): Promise<void> {
    this.pristine.delete(topo);
    try {
      await topo.stop();
    } finally {
      this.alive--;
      this.o.onStopped?.(topo);
    }
  }

  private async prepare(req: PoolRequest): Promise<Prepared> {
    const notes: string[] = [];
    const failed: Record<string, number> = {};
    const i = req.shape === undefined ? -1 : this.idle.findIndex((k) => k.shape === req.shape);
    if (i >= 0) {
      const [kept] = this.idle.splice(i, 1);
      const t0 = Date.now();
      try {
        return await this.reset(kept, req, notes);
      } catch (e) {
        notes.push(`reset of topology ${kept.topo.runId} failed, bringing up a new one: ${oneLine(e)}`);
        await this.stop(kept.topo).catch(() => undefined);
        failed.resetFailed = Date.now() - t0;
      }
    } else if (this.alive >= this.max) {
      // Room for a topology of another shape: the oldest idle one goes.
      const old = this.idle.shift();
      if (old) await this.stop(old.topo).catch(() => undefined);
    }
    const made = await this.create(req, notes);
    return { ...made, steps: { ...failed, ...made.steps } };
  }

  private async create(req: PoolRequest, notes: string[]): Promise<Prepared> {
    this.alive++;
    let topo: StartedTopology;
    try {
      topo = await req.create();
    } catch (e) {
      this.alive--;
      throw e;
    }
    const steps: Record<string, number> = { ...topo.timings };
    if (req.shape !== undefined) {
      const t0 = Date.now();
      try {
        this.pristine.set(topo, { shape: req.shape, state: await topologyState(topo) });
      } catch (e) {
        notes.push(`topology state not read, it will not be reused: ${oneLine(e)}`);
      }
      steps.state = Date.now() - t0;
    }
    return { topo, reused: false, steps, notes };
  }

  /**
   * The state to check: `state` itself, or, when only what traffic leaves (neighbour or
   * conntrack entries, sockets) differs, the state after the network is reset once more. A
   * packet that crossed a node between its flush and its read leaves a neighbour entry (on a
   * few catalogue runs in three, with every program already reset), and bringing up a new
   * topology for it cost about 25 s under load against about a second for the second pass;
   * the check still decides, so reuse stays as isolated as before.
   */
  private async again(
    kept: Kept,
    state: TopologyState,
    notes: string[],
    steps: Record<string, number>,
  ): Promise<TopologyState> {
    const leaks = stateLeaks(kept.pristine, state);
    if (!leaks.length || !onlyTrafficLeft(kept.pristine, state)) return state;
    notes.push(`reset: left by traffic after the first pass, reset again: ${leaks.join("; ")}`);
    const t0 = Date.now();
    const { state: now } = await resetNetwork(kept.topo, {
      keepTables: keptTables(kept.pristine.firewall?.nft ?? ""),
    });
    steps.again = Date.now() - t0;
    return now;
  }

  private async reset(kept: Kept, req: PoolRequest, notes: string[]): Promise<Prepared> {
    const steps: Record<string, number> = {};
    let t = Date.now();
    const lap = (k: string) => {
      steps[k] = Date.now() - t;
      t = Date.now();
    };
    const handed = await req.handOver(kept.topo);
    lap("programs");
    // The network reset reads each node's state in the same exec, after its new program is
    // ready (handed.waits); the check compares it.
    const { undone, state, timings } = await resetNetwork(kept.topo, {
      keepTables: keptTables(kept.pristine.firewall?.nft ?? ""),
      before: handed.waits,
    });
    lap("network");
    Object.assign(steps, timings);
    steps.network -= timings.captures + timings.links;
    await handed.done();
    lap("logs");
    notes.push(...undone.map((u) => `reset: ${u}`));
    await checkClean(kept.topo, kept.pristine, await this.again(kept, state, notes, steps));
    this.pristine.set(kept.topo, { shape: kept.shape, state: kept.pristine });
    return { topo: kept.topo, reused: true, steps, notes };
  }
}
