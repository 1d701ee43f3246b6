// How the leader of a query's consumer group spreads the query's tasks over the servers of
// one Eddy cluster, and what the members tell each other in the group protocol's user data.
// A task is one partition number of the query's source topics (partition p of every source,
// as Kafka Streams groups co-partitioned sources). The spread is sticky: a task stays where
// it runs while the load stays within one task of even, so a rebalance moves only what it must.

/** What a member says about itself when it joins. */
export interface MemberInfo {
  /** The server's REST address, for pull queries forwarded to it. */
  endpoint: string;
  /** A stable id of the server (its data directory's), to keep the spread stable across restarts. */
  instance: string;
  /** Tasks it runs now. */
  tasks: number[];
}

/** What the leader gives each member: its tasks, and every task's owner (for forwarding). */
export interface TaskAssignment {
  tasks: number[];
  owners: Record<number, string>;
}

export function encodeInfo(info: MemberInfo): Buffer {
  return Buffer.from(JSON.stringify(info));
}

export function decodeInfo(b: Buffer): MemberInfo {
  try {
    const v = JSON.parse(b.toString()) as Partial<MemberInfo>;
    return { endpoint: String(v.endpoint ?? ''), instance: String(v.instance ?? ''), tasks: Array.isArray(v.tasks) ? v.tasks.map(Number) : [] };
  } catch {
    return { endpoint: '', instance: '', tasks: [] };
  }
}

export function encodeAssignment(a: TaskAssignment): Buffer {
  return Buffer.from(JSON.stringify(a));
}

export function decodeAssignment(b: Buffer): TaskAssignment {
  if (b.length === 0) return { tasks: [], owners: {} };
  const v = JSON.parse(b.toString()) as TaskAssignment;
  return { tasks: v.tasks.map(Number), owners: v.owners ?? {} };
}

/**
 * Spreads tasks 0..taskCount-1 over the members: each keeps the tasks it runs up to its
 * fair share (ceil or floor of tasks/members), the rest go to the least loaded, members in
 * the order of their instance ids so every leader decides alike.
 */
export function assignTasks(members: { memberId: string; info: MemberInfo }[], taskCount: number): Map<string, TaskAssignment> {
  const sorted = [...members].sort((a, b) => a.info.instance.localeCompare(b.info.instance) || a.memberId.localeCompare(b.memberId));
  const n = sorted.length;
  const owned = new Map<string, number[]>(sorted.map((m) => [m.memberId, []]));
  const taken = new Set<number>();
  const floor = Math.floor(taskCount / Math.max(n, 1));
  let extra = taskCount - floor * n;
  // Sticky pass: keep current tasks up to the fair share.
  for (const m of sorted) {
    const keep = m.info.tasks.filter((t) => t >= 0 && t < taskCount && !taken.has(t)).sort((a, b) => a - b);
    let cap = floor;
    if (keep.length > floor && extra > 0) {
      cap = floor + 1;
      extra--;
    }
    for (const t of keep.slice(0, cap)) {
      owned.get(m.memberId)!.push(t);
      taken.add(t);
    }
  }
  // The rest to the least loaded, ties by member order.
  for (let t = 0; t < taskCount; t++) {
    if (taken.has(t)) continue;
    let best = sorted[0]!;
    for (const m of sorted) if (owned.get(m.memberId)!.length < owned.get(best.memberId)!.length) best = m;
    owned.get(best.memberId)!.push(t);
    taken.add(t);
  }
  const owners: Record<number, string> = {};
  for (const m of sorted) for (const t of owned.get(m.memberId)!) owners[t] = m.info.endpoint;
  return new Map(sorted.map((m) => [m.memberId, { tasks: owned.get(m.memberId)!.sort((a, b) => a - b), owners }]));
}
