// One member of a Kafka consumer group (the classic JoinGroup / SyncGroup / Heartbeat
// protocol), for the servers of one Eddy cluster to split a persistent query's tasks the
// way Kafka Streams instances split theirs. The member's subscription and assignment are
// written in Kafka's consumer protocol format (so kafka-consumer-groups.sh can describe the
// group); what Eddy needs beyond partitions travels in their user data. The elected leader
// computes the assignment with the `assign` callback.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import { COORDINATOR_GROUP } from './cluster.js';
import { KafkaError, checkError } from './kafka-errors.js';
import { sendRequest, type KafkajsBroker } from './wire.js';
import type { GroupCoordinatorAccess } from './group-offsets.js';
import type { GroupGeneration } from '../topic-log.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type { GroupGeneration } from '../topic-log.js';

export interface JoinedMember {
  memberId: string;
  /** The user data of the member's subscription. */
  userData: Buffer;
}

export interface GroupMemberOptions {
  groupId: string;
  /** The topics the member reads (written into its subscription). */
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** The member's own user data for this join (its address, the tasks it holds). */
  userData: () => Buffer;
  /** Leader only: every member's assignment (its partitions by topic, and user data), by member id. */
  assign: (members: JoinedMember[]) => Map<string, MemberAssignment>;
}

export interface MemberAssignment {
  partitions: Map<string, number[]>;
  userData: Buffer;
}

export interface Assignment extends GroupGeneration {
  leader: boolean;
  /** The assignment user data the leader wrote for this member. */
  userData: Buffer;
}

// ------------------------------------------------------------------ consumer protocol codec

function writeString(parts: Buffer[], s: string): void {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  parts.push(len, b);
}

function writeBytes(parts: Buffer[], b: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  parts.push(len, b);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** ConsumerProtocolSubscription v0: topics and user data. */
export function encodeSubscription(topics: string[], userData: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) writeString(parts, t);
  writeBytes(parts, userData);
  return Buffer.concat(parts);
}

class Cursor {
  pos = 0;
  constructor(readonly b: Buffer) {}
  int16(): number {
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  string(): string {
    const n = this.int16();
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

export function decodeSubscriptionUserData(b: Buffer): Buffer {
  if (b.length < 6) return Buffer.alloc(0);
  const c = new Cursor(b);
  c.int16();
  for (let n = c.int32(); n > 0; n--) c.string();
  return c.pos < b.length ? c.bytes() : Buffer.alloc(0);
}

/** ConsumerProtocolAssignment v0: partitions by topic, and user data. */
export function encodeAssignment(partitions: Map<string, number[]>, userData: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0]), int32(partitions.size)];
  for (const [topic, list] of partitions) {
    writeString(parts, topic);
    parts.push(int32(list.length), ...list.map(int32));
  }
  writeBytes(parts, userData);
  return Buffer.concat(parts);
}

export function decodeAssignmentUserData(b: Buffer): Buffer {
  if (b.length < 6) return Buffer.alloc(0);
  const c = new Cursor(b);
  c.int16();
  for (let n = c.int32(); n > 0; n--) {
    c.string();
    for (let k = c.int32(); k > 0; k--) c.int32();
  }
  return c.pos < b.length ? c.bytes() : Buffer.alloc(0);
}

// ------------------------------------------------------------------ the member

const PROTOCOL_TYPE = 'consumer';
const PROTOCOL_NAME = 'eddy';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Heartbeat outcomes: carry on, or join again (a rebalance started, or this member was dropped). */
export type HeartbeatResult = 'ok' | 'rejoin';

export class KafkaGroupMember {
  private memberId = '';
  private generation: GroupGeneration | null = null;

  constructor(
    private readonly log: GroupCoordinatorAccess,
    private readonly options: GroupMemberOptions,
  ) {}

  get current(): GroupGeneration | null {
    return this.generation;
  }

  /** Sends to the group coordinator; a coordinator that moved is looked up again (withCoordinator retries). */
  private onCoordinator(fn: (broker: KafkajsBroker) => Promise<Body>): Promise<Body> {
    return this.log.withCoordinator(this.options.groupId, COORDINATOR_GROUP, async (broker) => {
      const res = await fn(broker);
      const code = (res.errorCode as number | undefined) ?? 0;
      if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
        throw new KafkaError(code, `Group coordinator for '${this.options.groupId}'`);
      }
      return res;
    });
  }

  /** Joins (or re-joins) the group and waits for this member's assignment. */
  async join(): Promise<Assignment> {
    const o = this.options;
    for (let attempt = 0; ; attempt++) {
      const joined = await this.onCoordinator((broker) =>
        sendRequest<Body>(
          broker,
          M.JoinGroup,
          7,
          {
            groupId: o.groupId,
            sessionTimeoutMs: o.sessionTimeoutMs,
            rebalanceTimeoutMs: o.rebalanceTimeoutMs,
            memberId: this.memberId,
            groupInstanceId: null,
            protocolType: PROTOCOL_TYPE,
            protocols: [{ name: PROTOCOL_NAME, metadata: encodeSubscription(o.topics, o.userData()) }],
            reason: null,
          },
          { requestTimeout: o.rebalanceTimeoutMs + 10_000 },
        ),
      );
      const code = joined.errorCode as number;
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = joined.memberId as string;
        continue;
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (code === ErrorCode.REBALANCE_IN_PROGRESS || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
        await sleep(Math.min(100 * (attempt + 1), 1000));
        continue;
      }
      checkError(code, `Could not join consumer group '${o.groupId}'`);
      this.memberId = joined.memberId as string;
      const generationId = joined.generationId as number;
      const leader = joined.leader === this.memberId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (leader) {
        const members = (joined.members as Body[]).map((m) => ({ memberId: m.memberId as string, userData: decodeSubscriptionUserData(m.metadata as Buffer) }));
        assignments = [...o.assign(members)].map(([memberId, a]) => ({ memberId, assignment: encodeAssignment(a.partitions, a.userData) }));
      }
      const synced = await this.onCoordinator((broker) =>
        sendRequest<Body>(
          broker,
          M.SyncGroup,
          5,
          {
            groupId: o.groupId,
            generationId,
            memberId: this.memberId,
            groupInstanceId: null,
            protocolType: PROTOCOL_TYPE,
            protocolName: PROTOCOL_NAME,
            assignments,
          },
          { requestTimeout: o.rebalanceTimeoutMs + 10_000 },
        ),
      );
      const syncCode = synced.errorCode as number;
      if (syncCode === ErrorCode.REBALANCE_IN_PROGRESS || syncCode === ErrorCode.ILLEGAL_GENERATION) continue;
      if (syncCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      checkError(syncCode, `Could not get an assignment in consumer group '${o.groupId}'`);
      this.generation = { memberId: this.memberId, generationId };
      return { memberId: this.memberId, generationId, leader, userData: decodeAssignmentUserData(synced.assignment as Buffer) };
    }
  }

  async heartbeat(): Promise<HeartbeatResult> {
    const g = this.generation;
    if (!g) return 'rejoin';
    try {
      const res = await this.onCoordinator((broker) =>
        sendRequest<Body>(broker, M.Heartbeat, 4, { groupId: this.options.groupId, generationId: g.generationId, memberId: g.memberId, groupInstanceId: null }),
      );
      const code = res.errorCode as number;
      if (code === ErrorCode.REBALANCE_IN_PROGRESS || code === ErrorCode.ILLEGAL_GENERATION) return 'rejoin';
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        return 'rejoin';
      }
      checkError(code, `Heartbeat to consumer group '${this.options.groupId}' failed`);
      return 'ok';
    } catch (e) {
      if (e instanceof KafkaError) return 'rejoin';
      throw e;
    }
  }

  /** Leaves the group at once, so the others rebalance without waiting for the session to expire. */
  async leave(): Promise<void> {
    if (!this.memberId) return;
    const memberId = this.memberId;
    this.memberId = '';
    this.generation = null;
    await this.onCoordinator((broker) =>
      sendRequest<Body>(broker, M.LeaveGroup, 4, { groupId: this.options.groupId, memberId, members: [{ memberId, groupInstanceId: null, reason: 'shutting down' }] }),
    ).catch(() => undefined);
  }
}
