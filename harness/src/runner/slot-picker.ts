/**
 * Picks a topology slot before bring-up: the stand-ins' start configurations hold addresses, and
 * addresses depend on the slot. Slots held by this process's own parallel runs are tracked here;
 * slots of other processes show as Docker networks. A race with another process is caught by the
 * topology (overlapping subnets) and the caller tries another slot.
 */
import type Docker from "dockerode";
import { usedSlots } from "../topology/networks.js";
import { COMPOSE_SLOT, SLOT_COUNT } from "../topology/plan.js";
import { BacksideError } from "../errors.js";

export class SlotPicker {
  private readonly held = new Set<number>();

  constructor(private readonly docker: Docker) {}

  async take(avoid: ReadonlySet<number> = new Set()): Promise<number> {
    const used = await usedSlots(this.docker);
    const free: number[] = [];
    for (let s = 0; s < SLOT_COUNT; s++)
      if (s !== COMPOSE_SLOT && !used.has(s) && !this.held.has(s) && !avoid.has(s)) free.push(s);
    if (free.length === 0)
      throw new BacksideError("RUNTIME", "no free topology slot", { hint: "run `backside clean`" });
    const slot = free[Math.floor(Math.random() * free.length)];
    this.held.add(slot);
    return slot;
  }

  release(slot: number): void {
    this.held.delete(slot);
  }
}
