// Durable coordinator state of the embedded log, as a journal of JSON lines:
// consumer group offsets, producer id allocation, transactional id → (producer id, epoch),
// and transaction decisions (written before the markers, so recovery can finish a commit
// that was interrupted). Replayed at open and rewritten compactly when it grows.

import fs from 'node:fs';

export interface StoredOffset {
  offset: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetEntry {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string | null;
}

export interface TxnIdState {
  producerId: number;
  epoch: number;
}

type JournalLine =
  | { t: 'offsets'; g: string; o: [string, number, number, string | null][]; ts: number }
  | { t: 'pid'; next: number }
  | { t: 'txnid'; id: string; pid: number; epoch: number }
  | {
      t: 'decision';
      pid: number;
      epoch: number;
      /** Partitions of the transaction with the first offset it wrote there. */
      parts: [string, number, number][];
      offsets: Record<string, [string, number, number, string | null][]>;
      ts: number;
    }
  | { t: 'deltopic'; topic: string }
  | { t: 'delgroup'; g: string }
  | { t: 'deloffsets'; g: string; o: [string, number][] };

export function txnKey(producerId: number, topic: string, partition: number, firstOffset: number): string {
  return `${producerId}\u0000${topic}\u0000${partition}\u0000${firstOffset}`;
}

const PID_BLOCK = 1000;
const COMPACT_AFTER_BYTES = 32 << 20;

export class CoordinatorStore {
  /** group → "topic\u0000partition" → offset */
  readonly offsets = new Map<string, Map<string, StoredOffset & { topic: string; partition: number }>>();
  readonly txnIds = new Map<string, TxnIdState>();
  /** Committed transactions seen in the journal, as "pid topic partition firstOffset" (used at recovery). */
  readonly committedTxns = new Set<string>();
  private nextPid = 1;
  private pidLimit = 0;
  private fd = -1;
  private bytes = 0;

  private constructor(private readonly file: string) {}

  static open(file: string): CoordinatorStore {
    const store = new CoordinatorStore(file);
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      // The last element is '' after a complete final line; anything else is a torn tail.
      for (let i = 0; i < lines.length - 1; i++) {
        let line: JournalLine;
        try {
          line = JSON.parse(lines[i]) as JournalLine;
        } catch {
          continue;
        }
        store.apply(line);
      }
    }
    store.nextPid = Math.max(store.nextPid, store.pidLimit);
    store.rewrite(true);
    return store;
  }

  private apply(line: JournalLine): void {
    switch (line.t) {
      case 'offsets':
        this.applyOffsets(line.g, line.o, line.ts);
        break;
      case 'pid':
        this.pidLimit = Math.max(this.pidLimit, line.next);
        break;
      case 'txnid':
        this.txnIds.set(line.id, { producerId: line.pid, epoch: line.epoch });
        break;
      case 'decision':
        for (const [topic, partition, first] of line.parts) this.committedTxns.add(txnKey(line.pid, topic, partition, first));
        for (const [g, o] of Object.entries(line.offsets)) this.applyOffsets(g, o, line.ts);
        break;
      case 'deltopic':
        this.dropTopicOffsets(line.topic);
        break;
      case 'delgroup':
        this.offsets.delete(line.g);
        break;
      case 'deloffsets':
        for (const [topic, partition] of line.o) this.offsets.get(line.g)?.delete(`${topic}\u0000${partition}`);
        break;
    }
  }

  private applyOffsets(group: string, entries: [string, number, number, string | null][], ts: number): void {
    let m = this.offsets.get(group);
    if (!m) {
      m = new Map();
      this.offsets.set(group, m);
    }
    for (const [topic, partition, offset, metadata] of entries) {
      m.set(`${topic}\u0000${partition}`, { topic, partition, offset, metadata, commitTimestamp: ts });
    }
  }

  private dropTopicOffsets(topic: string): void {
    for (const m of this.offsets.values()) for (const [k, v] of m) if (v.topic === topic) m.delete(k);
  }

  /**
   * Writes the current state as a fresh journal (atomically, via rename). Commit decisions
   * are kept only until recovery has written their markers (see recoveryDone).
   */
  private rewrite(keepDecisions = false): void {
    const lines: JournalLine[] = [{ t: 'pid', next: this.pidLimit }];
    if (keepDecisions) {
      for (const k of this.committedTxns) {
        const [pid, topic, partition, first] = k.split('\u0000');
        lines.push({ t: 'decision', pid: Number(pid), epoch: 0, parts: [[topic, Number(partition), Number(first)]], offsets: {}, ts: 0 });
      }
    }
    for (const [id, s] of this.txnIds) lines.push({ t: 'txnid', id, pid: s.producerId, epoch: s.epoch });
    for (const [g, m] of this.offsets) {
      const byTs = new Map<number, [string, number, number, string | null][]>();
      for (const v of m.values()) {
        let arr = byTs.get(v.commitTimestamp);
        if (!arr) byTs.set(v.commitTimestamp, (arr = []));
        arr.push([v.topic, v.partition, v.offset, v.metadata]);
      }
      for (const [ts, o] of byTs) lines.push({ t: 'offsets', g, o, ts });
    }
    const text = lines.map((l) => JSON.stringify(l) + '\n').join('');
    const tmp = this.file + '.tmp';
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.file);
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
    this.bytes = Buffer.byteLength(text);
  }

  private append(line: JournalLine): void {
    const buf = Buffer.from(JSON.stringify(line) + '\n');
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done);
    this.bytes += buf.length;
    this.apply(line);
    if (this.bytes > COMPACT_AFTER_BYTES && line.t !== 'decision') this.rewrite();
  }

  commitOffsets(group: string, entries: OffsetEntry[], now: number): void {
    if (entries.length === 0) return;
    this.append({ t: 'offsets', g: group, o: entries.map((e) => [e.topic, e.partition, e.offset, e.metadata ?? null]), ts: now });
  }

  committed(group: string, topic: string, partition: number): StoredOffset | undefined {
    return this.offsets.get(group)?.get(`${topic}\u0000${partition}`);
  }

  allocateProducerId(): number {
    if (this.nextPid >= this.pidLimit) this.append({ t: 'pid', next: this.nextPid + PID_BLOCK });
    return this.nextPid++;
  }

  setTxnId(id: string, state: TxnIdState): void {
    this.append({ t: 'txnid', id, pid: state.producerId, epoch: state.epoch });
  }

  /**
   * Records a commit before its markers are written: the partitions with the first offset the
   * transaction wrote there, and the group offsets it makes visible.
   */
  recordCommit(
    producerId: number,
    epoch: number,
    parts: [string, number, number][],
    offsets: Map<string, OffsetEntry[]>,
    now: number,
  ): void {
    const o: Record<string, [string, number, number, string | null][]> = {};
    for (const [g, es] of offsets) o[g] = es.map((e) => [e.topic, e.partition, e.offset, e.metadata ?? null]);
    this.append({ t: 'decision', pid: producerId, epoch, parts, offsets: o, ts: now });
    this.committedTxns.clear();
  }

  /** Called once recovery has finished every interrupted commit: decisions are no longer needed. */
  recoveryDone(): void {
    this.committedTxns.clear();
    this.rewrite();
  }

  deleteTopic(topic: string): void {
    this.append({ t: 'deltopic', topic });
  }

  /** Forgets a group's committed offsets of these partitions (OffsetDelete). */
  deleteOffsets(group: string, partitions: { topic: string; partition: number }[]): void {
    if (partitions.length === 0) return;
    this.append({ t: 'deloffsets', g: group, o: partitions.map((p) => [p.topic, p.partition]) });
  }

  deleteGroup(group: string): void {
    this.append({ t: 'delgroup', g: group });
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
