// The classic consumer group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup):
// membership, generations, leader election and protocol choice. Member metadata and
// assignments are opaque bytes: the elected leader computes the assignment (range,
// roundrobin, ... whatever the members named) and the coordinator hands it out.

import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../log/errors.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string | null;
  protocolType: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
  protocolName: string | null;
  protocolType: string | null;
}

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
  lastSeen: number;
  joinWaiter?: (r: JoinResult) => void;
  syncWaiter?: (r: SyncResult) => void;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id. */
  requireKnownMemberId: boolean;
}

const EMPTY = Buffer.alloc(0);

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leader: string | null = null;
  readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED, not yet joined. */
  readonly pendingIds = new Map<string, number>();
  rebalanceDeadline = 0;

  constructor(readonly groupId: string) {}

  private fail(errorCode: number, memberId = ''): JoinResult {
    return { errorCode, generationId: -1, protocolName: null, protocolType: null, leader: '', memberId, members: [] };
  }

  private supportsProtocols(req: JoinRequest): boolean {
    if (this.members.size === 0) return req.protocols.length > 0;
    if (this.protocolType !== null && this.protocolType !== req.protocolType) return false;
    const names = new Set(req.protocols.map((p) => p.name));
    for (const m of this.members.values()) {
      if (m.memberId === req.memberId) continue;
      if (!m.protocols.some((p) => names.has(p.name))) return false;
    }
    return true;
  }

  join(req: JoinRequest, now: number): Promise<JoinResult> {
    if (this.state === 'Dead') return Promise.resolve(this.fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    let memberId = req.memberId;
    if (memberId === '') {
      memberId = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        this.pendingIds.set(memberId, now);
        return Promise.resolve(this.fail(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
    } else if (!this.members.has(memberId) && !this.pendingIds.has(memberId)) {
      return Promise.resolve(this.fail(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
    if (!this.supportsProtocols({ ...req, memberId })) return Promise.resolve(this.fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    this.pendingIds.delete(memberId);
    let m = this.members.get(memberId);
    if (!m) {
      m = {
        memberId,
        groupInstanceId: req.groupInstanceId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        assignment: EMPTY,
        lastSeen: now,
      };
      this.members.set(memberId, m);
    } else {
      m.protocols = req.protocols;
      m.sessionTimeoutMs = req.sessionTimeoutMs;
      m.rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
      m.lastSeen = now;
      // a previous join still waiting is superseded
      m.joinWaiter?.(this.fail(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      m.joinWaiter = undefined;
    }
    if (this.protocolType === null) this.protocolType = req.protocolType;
    const member = m;
    const result = new Promise<JoinResult>((resolve) => (member.joinWaiter = resolve));
    this.prepareRebalance(now);
    this.maybeCompleteJoin(now);
    return result;
  }

  private prepareRebalance(now: number): void {
    if (this.state === 'PreparingRebalance') return;
    if (this.state === 'CompletingRebalance') {
      // members waiting in SyncGroup must rejoin
      for (const m of this.members.values()) {
        m.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY, protocolName: null, protocolType: null });
        m.syncWaiter = undefined;
      }
    }
    this.state = 'PreparingRebalance';
    let timeout = 0;
    for (const m of this.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    this.rebalanceDeadline = now + timeout;
  }

  /** Completes the join phase once every member has rejoined (or the rebalance timed out). */
  maybeCompleteJoin(now: number): void {
    if (this.state !== 'PreparingRebalance') return;
    let waiting = 0;
    for (const m of this.members.values()) if (!m.joinWaiter) waiting++;
    if (waiting > 0 && now < this.rebalanceDeadline) return;
    for (const m of [...this.members.values()]) if (!m.joinWaiter) this.members.delete(m.memberId);
    if (this.members.size === 0) {
      this.toEmpty();
      return;
    }
    this.generationId++;
    this.protocolName = this.chooseProtocol();
    if (this.leader === null || !this.members.has(this.leader)) this.leader = this.members.keys().next().value!;
    this.state = 'CompletingRebalance';
    const all = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
    }));
    for (const m of this.members.values()) {
      const w = m.joinWaiter!;
      m.joinWaiter = undefined;
      m.lastSeen = now;
      m.assignment = EMPTY;
      w({
        errorCode: ErrorCode.NONE,
        generationId: this.generationId,
        protocolName: this.protocolName,
        protocolType: this.protocolType,
        leader: this.leader,
        memberId: m.memberId,
        members: m.memberId === this.leader ? all : [],
      });
    }
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private chooseProtocol(): string {
    const members = [...this.members.values()];
    const common = members[0].protocols.map((p) => p.name).filter((n) => members.every((m) => m.protocols.some((p) => p.name === n)));
    const votes = new Map<string, number>();
    for (const m of members) {
      const pick = m.protocols.find((p) => common.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = common[0];
    for (const n of common) if ((votes.get(n) ?? 0) > (votes.get(best) ?? 0)) best = n;
    return best;
  }

  private toEmpty(): void {
    this.state = 'Empty';
    this.leader = null;
    this.protocolName = null;
    this.protocolType = null;
    this.generationId++;
  }

  sync(memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[], now: number): Promise<SyncResult> {
    const fail = (errorCode: number): Promise<SyncResult> =>
      Promise.resolve({ errorCode, assignment: EMPTY, protocolName: null, protocolType: null });
    const m = this.members.get(memberId);
    if (!m) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== this.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    m.lastSeen = now;
    if (this.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    const ok = (): SyncResult => ({ errorCode: ErrorCode.NONE, assignment: m.assignment, protocolName: this.protocolName, protocolType: this.protocolType });
    if (this.state === 'Stable') return Promise.resolve(ok());
    const result = new Promise<SyncResult>((resolve) => (m.syncWaiter = resolve));
    if (memberId === this.leader) {
      for (const a of assignments) {
        const target = this.members.get(a.memberId);
        if (target) target.assignment = a.assignment;
      }
      this.state = 'Stable';
      for (const x of this.members.values()) {
        const w = x.syncWaiter;
        x.syncWaiter = undefined;
        w?.({ errorCode: ErrorCode.NONE, assignment: x.assignment, protocolName: this.protocolName, protocolType: this.protocolType });
      }
    }
    return result;
  }

  heartbeat(memberId: string, generationId: number, now: number): number {
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    m.lastSeen = now;
    if (generationId !== this.generationId) return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(memberId: string, now: number): number {
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(m, now);
    return ErrorCode.NONE;
  }

  private removeMember(m: Member, now: number): void {
    this.members.delete(m.memberId);
    m.joinWaiter?.(this.fail(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
    m.syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY, protocolName: null, protocolType: null });
    if (this.leader === m.memberId) this.leader = null;
    if (this.members.size === 0) {
      if (this.state !== 'Empty') this.toEmpty();
      return;
    }
    this.prepareRebalance(now);
    this.maybeCompleteJoin(now);
  }

  /** Expires members whose session timed out and finishes a rebalance that timed out. */
  tick(now: number): void {
    for (const m of [...this.members.values()]) {
      if (m.joinWaiter || m.syncWaiter) continue;
      if (now - m.lastSeen > m.sessionTimeoutMs) this.removeMember(m, now);
    }
    for (const [id, since] of this.pendingIds) if (now - since > 5 * 60_000) this.pendingIds.delete(id);
    this.maybeCompleteJoin(now);
  }

  /** Checks an OffsetCommit from a group member (generation -1 means a standalone consumer). */
  checkCommit(memberId: string, generationId: number): number {
    if (generationId < 0 && memberId === '') return ErrorCode.NONE;
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }
}

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  private readonly timer: NodeJS.Timeout;

  constructor(tickMs = 250) {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const g of this.groups.values()) g.tick(now);
    }, tickMs);
    this.timer.unref();
  }

  group(groupId: string): Group {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new Group(groupId)));
    return g;
  }

  close(): void {
    clearInterval(this.timer);
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        m.joinWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, generationId: -1, protocolName: null, protocolType: null, leader: '', memberId: m.memberId, members: [] });
        m.syncWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY, protocolName: null, protocolType: null });
      }
      g.state = 'Dead';
    }
  }
}
