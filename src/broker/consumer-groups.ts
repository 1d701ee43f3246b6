// The KIP-848 consumer group protocol (ConsumerGroupHeartbeat): the coordinator keeps each
// member's subscription, computes a target assignment per group epoch on the server
// ("uniform" or "range"), and moves every member towards it one heartbeat at a time: first
// it takes away what the member must give up, and only once the member reports it released
// does the member reach the new epoch; a partition is handed over only when no other member
// still owns it.

import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../log/errors.js';

/** topic → partitions */
export type Assignment = Map<string, Set<number>>;

export const SERVER_ASSIGNORS = ['uniform', 'range'] as const;

export interface ConsumerMember {
  memberId: string;
  memberEpoch: number;
  previousEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** What the coordinator last gave the member. */
  assigned: Assignment;
  /** What the member last said it owns. */
  owned: Assignment;
  /** The assignment last sent, as a key, to send a new one only on change. */
  sentKey: string | null;
  lastSeen: number;
}

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** null: unchanged since the last heartbeat. */
  ownedPartitions: Assignment | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  /** null: no change to tell the member. */
  assignment: Assignment | null;
}

/** Partition counts of existing topics, and the names of all topics (for regex subscriptions). */
export interface TopicView {
  partitions(topic: string): number | undefined;
  names(): string[];
}

function copy(a: Assignment): Assignment {
  return new Map([...a].map(([t, ps]) => [t, new Set(ps)]));
}

function keyOf(a: Assignment): string {
  return [...a].filter(([, ps]) => ps.size > 0).map(([t, ps]) => `${t}:${[...ps].sort((x, y) => x - y).join(',')}`).sort().join(';');
}

function has(a: Assignment, topic: string, p: number): boolean {
  return a.get(topic)?.has(p) ?? false;
}

function count(a: Assignment): number {
  let n = 0;
  for (const ps of a.values()) n += ps.size;
  return n;
}

export class ConsumerGroup {
  groupEpoch = 0;
  targetEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  private target = new Map<string, Assignment>();
  private dirty = false;
  /** The topic partitions the last target was computed over, to notice new partitions. */
  private topicsKey = '';

  constructor(readonly groupId: string) {}

  get state(): 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' {
    if (this.members.size === 0) return 'Empty';
    if (this.targetEpoch < this.groupEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.targetEpoch) return 'Reconciling';
    return 'Stable';
  }

  targetOf(memberId: string): Assignment {
    return this.target.get(memberId) ?? new Map();
  }

  /** The subscribed topics of a member that exist. */
  private topicsOf(m: ConsumerMember, topics: TopicView): string[] {
    const names = new Set(m.subscribedTopicNames.filter((t) => topics.partitions(t) !== undefined));
    if (m.subscribedTopicRegex) {
      const re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
      for (const t of topics.names()) if (re.test(t)) names.add(t);
    }
    return [...names].sort();
  }

  private computeTarget(topics: TopicView): void {
    const members = [...this.members.values()].sort((a, b) => a.memberId.localeCompare(b.memberId));
    const subscribers = new Map<string, ConsumerMember[]>();
    for (const m of members) {
      for (const t of this.topicsOf(m, topics)) {
        let l = subscribers.get(t);
        if (!l) subscribers.set(t, (l = []));
        l.push(m);
      }
    }
    const target = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
    const give = (m: ConsumerMember, t: string, p: number) => {
      const a = target.get(m.memberId)!;
      if (!a.has(t)) a.set(t, new Set());
      a.get(t)!.add(p);
    };
    const range = members.some((m) => m.serverAssignor === 'range');
    for (const [t, subs] of [...subscribers].sort(([a], [b]) => a.localeCompare(b))) {
      const n = topics.partitions(t)!;
      if (range) {
        // contiguous ranges per topic, the first members one larger
        const each = Math.floor(n / subs.length);
        const extra = n % subs.length;
        let p = 0;
        subs.forEach((m, i) => {
          for (let k = 0; k < each + (i < extra ? 1 : 0); k++) give(m, t, p++);
        });
        continue;
      }
      // uniform: each partition to the least loaded subscriber, keeping a current owner when tied
      for (let p = 0; p < n; p++) {
        const load = (m: ConsumerMember) => count(target.get(m.memberId)!);
        const least = Math.min(...subs.map(load));
        const candidates = subs.filter((m) => load(m) === least);
        give(candidates.find((m) => has(m.assigned, t, p)) ?? candidates[0], t, p);
      }
    }
    this.target = target;
    this.targetEpoch = this.groupEpoch;
    this.topicsKey = [...subscribers.keys()].map((t) => `${t}/${topics.partitions(t)}`).join(',');
    this.dirty = false;
  }

  private bump(): void {
    this.groupEpoch++;
    this.dirty = true;
  }

  remove(memberId: string): void {
    if (this.members.delete(memberId)) {
      this.target.delete(memberId);
      this.bump();
    }
  }

  /** Drops members whose session ran out. */
  expire(now: number, sessionTimeoutMs: number): void {
    for (const m of [...this.members.values()]) if (now - m.lastSeen > sessionTimeoutMs) this.remove(m.memberId);
  }

  /** Moves a member towards its target; returns its current assignment. */
  private reconcile(m: ConsumerMember): void {
    const target = this.targetOf(m.memberId);
    const keep = (a: Assignment) => {
      const out: Assignment = new Map();
      for (const [t, ps] of a) {
        const kept = [...ps].filter((p) => has(target, t, p));
        if (kept.length > 0) out.set(t, new Set(kept));
      }
      return out;
    };
    if (keyOf(keep(m.assigned)) !== keyOf(m.assigned)) {
      // first the revocation; the epoch stays until the member confirms it
      m.assigned = keep(m.assigned);
      return;
    }
    if (keyOf(keep(m.owned)) !== keyOf(m.owned)) return;
    const granted: Assignment = new Map();
    for (const [t, ps] of target) {
      for (const p of ps) {
        const elsewhere = [...this.members.values()].some((o) => o !== m && (has(o.assigned, t, p) || has(o.owned, t, p)));
        if (elsewhere) continue;
        if (!granted.has(t)) granted.set(t, new Set());
        granted.get(t)!.add(p);
      }
    }
    m.assigned = granted;
    if (m.memberEpoch !== this.targetEpoch) {
      m.previousEpoch = m.memberEpoch;
      m.memberEpoch = this.targetEpoch;
    }
  }

  heartbeat(req: HeartbeatRequest, topics: TopicView, now: number): HeartbeatResult {
    const fail = (errorCode: number, errorMessage: string): HeartbeatResult => ({ errorCode, errorMessage, memberId: null, memberEpoch: -1, assignment: null });
    if (req.memberEpoch === -1 || req.memberEpoch === -2) {
      this.remove(req.memberId);
      return { errorCode: 0, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, assignment: null };
    }
    if (req.serverAssignor !== null && !(SERVER_ASSIGNORS as readonly string[]).includes(req.serverAssignor)) {
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `Server assignor '${req.serverAssignor}' is not supported; this broker offers ${SERVER_ASSIGNORS.join(', ')}.`);
    }
    if (req.subscribedTopicRegex !== null) {
      try {
        new RegExp(req.subscribedTopicRegex);
      } catch (e) {
        return fail(ErrorCode.INVALID_REGULAR_EXPRESSION, `Invalid subscription regex '${req.subscribedTopicRegex}': ${(e as Error).message}`);
      }
    }
    let m = this.members.get(req.memberId);
    const joining = req.memberEpoch === 0;
    if (joining) {
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
        return fail(ErrorCode.INVALID_REQUEST, 'A joining member must give SubscribedTopicNames or SubscribedTopicRegex.');
      }
      if (m) this.remove(m.memberId);
      m = {
        memberId: req.memberId || randomUUID(),
        memberEpoch: 0,
        previousEpoch: 0,
        instanceId: req.instanceId,
        rackId: req.rackId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: [],
        subscribedTopicRegex: null,
        serverAssignor: req.serverAssignor,
        assigned: new Map(),
        owned: new Map(),
        sentKey: null,
        lastSeen: now,
      };
      this.members.set(m.memberId, m);
      this.bump();
    } else {
      if (!m) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${this.groupId}.`);
      if (req.memberEpoch !== m.memberEpoch && req.memberEpoch !== m.previousEpoch) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `Member epoch ${req.memberEpoch} is not the current one (${m.memberEpoch}); rejoin the group.`);
      }
    }
    m.lastSeen = now;
    if (req.rebalanceTimeoutMs >= 0) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.rackId !== null) m.rackId = req.rackId;
    if (req.serverAssignor !== null && req.serverAssignor !== m.serverAssignor) {
      m.serverAssignor = req.serverAssignor;
      this.bump();
    }
    const names = req.subscribedTopicNames ? [...req.subscribedTopicNames].sort() : null;
    if (names !== null && names.join('\u0000') !== m.subscribedTopicNames.join('\u0000')) {
      m.subscribedTopicNames = names;
      this.bump();
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== (m.subscribedTopicRegex ?? '')) {
      m.subscribedTopicRegex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
      this.bump();
    }
    if (req.ownedPartitions !== null) m.owned = copy(req.ownedPartitions);
    if (!this.dirty && this.topicsKeyNow(topics) !== this.topicsKey) this.bump();
    if (this.dirty) this.computeTarget(topics);
    this.reconcile(m);
    const key = keyOf(m.assigned);
    const changed = joining || req.ownedPartitions !== null || key !== m.sentKey;
    m.sentKey = key;
    return { errorCode: 0, errorMessage: null, memberId: m.memberId, memberEpoch: m.memberEpoch, assignment: changed ? copy(m.assigned) : null };
  }

  private topicsKeyNow(topics: TopicView): string {
    const subscribed = new Set<string>();
    for (const m of this.members.values()) for (const t of this.topicsOf(m, topics)) subscribed.add(t);
    return [...subscribed].sort().map((t) => `${t}/${topics.partitions(t)}`).join(',');
  }

  /** OffsetCommit/OffsetFetch from a member: 0 when its epoch is current. */
  checkMember(memberId: string, memberEpoch: number): number {
    if (memberId === '' && memberEpoch < 0) return this.members.size === 0 ? 0 : ErrorCode.UNKNOWN_MEMBER_ID;
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch === m.memberEpoch || memberEpoch === m.previousEpoch) return 0;
    return memberEpoch < m.memberEpoch ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.FENCED_MEMBER_EPOCH;
  }
}

export class ConsumerGroupCoordinator {
  readonly groups = new Map<string, ConsumerGroup>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly sessionTimeoutMs = 45_000,
    readonly heartbeatIntervalMs = 5_000,
  ) {
    this.timer = setInterval(() => this.expire(Date.now()), Math.min(1000, heartbeatIntervalMs)).unref();
  }

  group(id: string): ConsumerGroup {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = new ConsumerGroup(id)));
    return g;
  }

  expire(now: number): void {
    for (const g of this.groups.values()) g.expire(now, this.sessionTimeoutMs);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
