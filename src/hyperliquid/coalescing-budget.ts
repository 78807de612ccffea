import type { Priority, WeightBudget } from './info.client';

type Grant = { settle(actual: number): Promise<void> };
interface Waiter {
  weight: number;
  resolve: (g: Grant) => void;
  reject: (e: unknown) => void;
}

/** The most weight one merged reservation asks for (a burst larger than this takes several). */
const MAX_MERGED_WEIGHT = 100;
const KEPT: Grant = { settle: async () => undefined };

/**
 * Merges the reservations asked for in one event-loop turn, per priority, into one reservation
 * of their total on the shared budget: a leader's change sending a hundred followers' orders is
 * one round trip to the budget, not a hundred. Each request is still recorded (as part of the
 * total) before it is sent, so the shared guarantee holds; the one thing given up is refunding a
 * single request that never went out (its `settle` keeps the weight: counted, never undercounted).
 * A request with an AbortSignal reserves on its own (its wait can be aborted alone).
 */
export class CoalescingBudget implements WeightBudget {
  private readonly waiting = new Map<Priority, Waiter[]>();

  constructor(private readonly budget: WeightBudget) {}

  reserve(weight: number, priority: Priority = 'high', signal?: AbortSignal): Promise<Grant> {
    if (signal) return this.budget.reserve(weight, priority, signal);
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(priority);
      if (!queue) {
        queue = [];
        this.waiting.set(priority, queue);
        setImmediate(() => this.flush(priority));
      }
      queue.push({ weight, resolve, reject });
    });
  }

  report429(): Promise<void> {
    return this.budget.report429();
  }

  reportSuccess(): Promise<void> {
    return this.budget.reportSuccess();
  }

  private flush(priority: Priority): void {
    const queue = this.waiting.get(priority) ?? [];
    this.waiting.delete(priority);
    for (let i = 0; i < queue.length; ) {
      const group: Waiter[] = [];
      let total = 0;
      for (; i < queue.length && (group.length === 0 || total + queue[i].weight <= MAX_MERGED_WEIGHT); i++) {
        group.push(queue[i]);
        total += queue[i].weight;
      }
      if (group.length === 1) {
        this.budget.reserve(total, priority).then(group[0].resolve, group[0].reject);
        continue;
      }
      this.budget.reserve(total, priority).then(
        () => group.forEach((w) => w.resolve(KEPT)),
        (err: unknown) => group.forEach((w) => w.reject(err)),
      );
    }
  }
}
