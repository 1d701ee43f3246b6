// The materialized table of a query shared by several servers, as this server holds it:
// the stores of the tasks it runs now, read as one (what pull queries answer from here).

import type { ReadableTable, StoredRow, TableStore } from '../table-store.js';

export class TaskStores implements ReadableTable {
  private readonly stores = new Map<number, TableStore>();

  set(task: number, store: TableStore | null): void {
    if (store) this.stores.set(task, store);
    else this.stores.delete(task);
  }

  get tasks(): number[] {
    return [...this.stores.keys()].sort((a, b) => a - b);
  }

  /** The stores of the given tasks alone (a forwarded pull query); fails when this server does not run one of them. */
  only(tasks: number[]): TaskStores {
    const missing = tasks.filter((t) => !this.stores.has(t));
    if (missing.length > 0) throw new Error(`This server does not run partitions ${missing.join(', ')} of the table now (they moved in a rebalance)`);
    const view = new TaskStores();
    for (const t of tasks) view.set(t, this.stores.get(t)!);
    return view;
  }

  /** The stores, in task order. */
  taskStores(): TableStore[] {
    return this.tasks.map((t) => this.stores.get(t)!);
  }

  *scan(): Generator<StoredRow> {
    for (const t of this.tasks) yield* this.stores.get(t)!.scan();
  }

  lookup(key: unknown[]): StoredRow | undefined {
    for (const t of this.tasks) {
      const r = this.stores.get(t)!.lookup(key);
      if (r) return r;
    }
    return undefined;
  }

  /** The task stores belong to their tasks, which close them. */
  close(): void {}
}
