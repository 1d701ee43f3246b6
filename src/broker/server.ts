// The embedded single-node Kafka broker: a TCP listener speaking the Kafka protocol over
// an EmbeddedLog, so kafkajs, librdkafka (kcat) and kafka-python clients can use it.
// One request at a time per connection, answered in order; a malformed frame closes only
// its own connection. The listener may be TLS, may require SASL before any other request,
// and may check ACLs (security/).

import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EmbeddedLog } from '../log/embedded/index.js';
import { GroupCoordinator } from './groups.js';
import { NO_RESPONSE, type Body, type BrokerContext, type Handler, type RequestInfo } from './context.js';
import { ProtocolError, Reader, Writer } from '../kafka-protocol/io.js';
import { readStruct, writeStruct, type MessageSchema } from '../kafka-protocol/schema.js';
import * as M from '../kafka-protocol/messages.js';
import { ADVERTISED, MESSAGES } from '../kafka-protocol/messages.js';
import * as data from './handlers/data.js';
import * as groups from './handlers/groups.js';
import * as txn from './handlers/txn.js';
import * as admin from './handlers/admin.js';
import * as sasl from './handlers/sasl.js';
import * as acls from './handlers/acls.js';
import * as consumerGroup from './handlers/consumer-group.js';
import { ConsumerGroupCoordinator } from './consumer-groups.js';
import { AclStore } from './security/acls.js';
import { SaslAuthenticationError, SaslSession, type SaslConfig } from './security/sasl.js';
import { securityProtocolOf, type BrokerSecurity, type SecurityProtocol } from './security/config.js';
import { brokerBytes, brokerRequests } from './metrics.js';

export interface BrokerOptions {
  log: EmbeddedLog;
  /** TCP port; 0 picks a free one (see Broker.port). */
  port: number;
  host?: string;
  /** Host name given to clients in Metadata (default: host). */
  advertisedHost?: string;
  /** Port given to clients in Metadata (default: the port it listens on). */
  advertisedPort?: number;
  nodeId?: number;
  /** Create unknown topics on Metadata requests that allow it (default true). */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1 (default 1). */
  defaultPartitions?: number;
  /** Largest request frame accepted (default 100 MiB). */
  maxFrameBytes?: number;
  /** Receives one line per closed bad connection or failed request. */
  logger?: (message: string) => void;
  /** TLS, SASL and ACLs; none by default. */
  security?: BrokerSecurity;
  /** Log every request (API, version, client, principal, outcome) through logger. */
  logRequests?: boolean;
  /** KIP-848 groups: how often members heartbeat (default 5000, Kafka's group.consumer.heartbeat.interval.ms). */
  consumerHeartbeatIntervalMs?: number;
  /** KIP-848 groups: a member silent this long is dropped (default 45000). */
  consumerSessionTimeoutMs?: number;
}

export interface Broker {
  /** The advertised host (what Metadata tells clients). */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** Advertised "host:port" for client bootstrap configs. */
  readonly address: string;
  /** "host:port" it really listens on. */
  readonly listenAddress: string;
  readonly connectionCount: number;
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  readonly securityProtocol: SecurityProtocol;
  /** The ACLs, when an authorizer is configured. */
  readonly acls?: AclStore;
  /** The consumer group coordinator (live members and assignments). */
  readonly groups: GroupCoordinator;
  close(): Promise<void>;
}

const HANDLERS: Record<number, Handler> = {
  [M.Produce.apiKey]: data.produce,
  [M.Fetch.apiKey]: data.fetch,
  [M.ListOffsets.apiKey]: data.listOffsets,
  [M.Metadata.apiKey]: data.metadata,
  [M.OffsetCommit.apiKey]: groups.offsetCommit,
  [M.OffsetFetch.apiKey]: groups.offsetFetch,
  [M.FindCoordinator.apiKey]: groups.findCoordinator,
  [M.JoinGroup.apiKey]: groups.joinGroup,
  [M.Heartbeat.apiKey]: groups.heartbeat,
  [M.LeaveGroup.apiKey]: groups.leaveGroup,
  [M.SyncGroup.apiKey]: groups.syncGroup,
  [M.DescribeGroups.apiKey]: groups.describeGroups,
  [M.ListGroups.apiKey]: groups.listGroups,
  [M.DeleteGroups.apiKey]: groups.deleteGroups,
  [M.OffsetDelete.apiKey]: groups.offsetDelete,
  [M.SaslHandshake.apiKey]: sasl.saslHandshake,
  [M.SaslAuthenticate.apiKey]: sasl.saslAuthenticate,
  [M.DescribeAcls.apiKey]: acls.describeAcls,
  [M.CreateAcls.apiKey]: acls.createAcls,
  [M.DeleteAcls.apiKey]: acls.deleteAcls,
  [M.ConsumerGroupHeartbeat.apiKey]: consumerGroup.consumerGroupHeartbeat,
  [M.ConsumerGroupDescribe.apiKey]: consumerGroup.consumerGroupDescribe,
  [M.ApiVersions.apiKey]: admin.apiVersions,
  [M.CreateTopics.apiKey]: admin.createTopics,
  [M.DeleteTopics.apiKey]: admin.deleteTopics,
  [M.DeleteRecords.apiKey]: admin.deleteRecords,
  [M.CreatePartitions.apiKey]: admin.createPartitions,
  [M.DescribeConfigs.apiKey]: admin.describeConfigs,
  [M.AlterConfigs.apiKey]: admin.alterConfigs,
  [M.IncrementalAlterConfigs.apiKey]: admin.incrementalAlterConfigs,
  [M.ListTransactions.apiKey]: txn.listTransactions,
  [M.DescribeTransactions.apiKey]: txn.describeTransactions,
  [M.DescribeProducers.apiKey]: txn.describeProducers,
  [M.DescribeCluster.apiKey]: admin.describeCluster,
  [M.DescribeLogDirs.apiKey]: admin.describeLogDirs,
  [M.InitProducerId.apiKey]: txn.initProducerId,
  [M.AddPartitionsToTxn.apiKey]: txn.addPartitionsToTxn,
  [M.AddOffsetsToTxn.apiKey]: txn.addOffsetsToTxn,
  [M.EndTxn.apiKey]: txn.endTxn,
  [M.TxnOffsetCommit.apiKey]: txn.txnOffsetCommit,
};

const SCHEMAS = new Map<number, MessageSchema>(MESSAGES.map((m) => [m.apiKey, m]));
const API_VERSIONS_KEY = M.ApiVersions.apiKey;
/** What a client may send before SASL authentication completes. */
const BEFORE_AUTH = new Set([API_VERSIONS_KEY, M.SaslHandshake.apiKey, M.SaslAuthenticate.apiKey]);
const ANONYMOUS = 'User:ANONYMOUS';

function clusterIdFor(dataDir: string): string {
  const file = path.join(dataDir, 'cluster-id');
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (id) return id;
  } catch {
    // first start
  }
  const id = randomBytes(16).toString('base64url').slice(0, 22);
  fs.writeFileSync(file, id);
  return id;
}

/** The error codes of an answer, for the request log ("ok" when none). */
function requestOutcome(res: unknown): string {
  if (res === NO_RESPONSE) return 'no response (acks=0)';
  const codes = new Set<number>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 4 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    for (const [k, x] of Object.entries(v)) {
      if (k === 'errorCode' && typeof x === 'number' && x !== 0) codes.add(x);
      else walk(x, depth + 1);
    }
  };
  walk(res, 0);
  return codes.size === 0 ? 'ok' : `error codes ${[...codes].join(', ')}`;
}

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frames: Buffer[] = [];
  private busy = false;
  private closed = false;
  private readonly disconnectListeners = new Set<() => void>();
  private readonly sasl: SaslSession | undefined;
  private closeReason: string | undefined;
  /** Set once the connection is on its way out: nothing more is read or answered. */
  private ending = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly ctx: BrokerContext,
    private readonly maxFrame: number,
    private readonly logger: (m: string) => void,
    private readonly onGone: () => void,
    saslConfig: SaslConfig | undefined,
  ) {
    this.sasl = saslConfig ? new SaslSession(saslConfig) : undefined;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private get peer(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.logger(`closing connection from ${this.peer}: ${reason}`);
    this.frames = [];
    this.chunks = [];
    this.socket.destroy();
    for (const fn of [...this.disconnectListeners]) fn();
    this.disconnectListeners.clear();
    this.onGone();
  }

  private onData(d: Buffer): void {
    if (this.closed || this.ending) return;
    brokerBytes.inc({ direction: 'in' }, d.length);
    this.chunks.push(d);
    this.buffered += d.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : Buffer.concat(this.chunks);
      if (head !== this.chunks[0]) this.chunks = [head];
      const size = head.readInt32BE(0);
      if (size < 8 || size > this.maxFrame) return this.close(`invalid frame size ${size}`);
      if (this.buffered < 4 + size) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      this.frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    if (this.frames.length > 0 && !this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    // Stop reading while requests are queued: responses go out strictly in order.
    this.socket.pause();
    try {
      while (this.frames.length > 0 && !this.closed && !this.ending) {
        const frame = this.frames.shift()!;
        await this.handle(frame);
        if (this.socket.writableNeedDrain) await new Promise((r) => this.socket.once('drain', r));
      }
    } catch (e) {
      this.close(e instanceof ProtocolError ? `malformed request: ${e.message}` : `request failed: ${(e as Error)?.stack ?? e}`);
    } finally {
      this.busy = false;
      if (!this.closed) this.socket.resume();
    }
  }

  private send(parts: Buffer[]): void {
    if (this.closed) return;
    let size = 0;
    for (const p of parts) size += p.length;
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(size, 0);
    brokerBytes.inc({ direction: 'out' }, size + 4);
    this.socket.cork();
    this.socket.write(prefix);
    for (const p of parts) this.socket.write(p);
    this.socket.uncork();
  }

  /** The client id of a request header whose reader stands just past the correlation id. */
  private clientIdOf(r: Reader): string {
    try {
      return new Reader(r.buf, r.pos, r.end).nullableString() ?? '';
    } catch {
      return '?';
    }
  }

  /** After a v0 SaslHandshake the client sends bare tokens, each answered bare. */
  private rawSaslToken(frame: Buffer): void {
    try {
      const answer = this.sasl!.step(frame);
      this.send([answer]);
    } catch (e) {
      if (!(e instanceof SaslAuthenticationError)) throw e;
      this.close(`SASL authentication failed from ${this.peer}: ${e.reason}`);
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const sasl = this.sasl;
    if (sasl && !sasl.authenticated && sasl.handshakeVersion === 0 && sasl.mechanism !== undefined) return this.rawSaslToken(frame);
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const schema = SCHEMAS.get(apiKey);
    const range = ADVERTISED[apiKey];
    const handler = HANDLERS[apiKey];
    if (apiKey === API_VERSIONS_KEY && version > range[1]) {
      // KIP-511: answer in the v0 body format, listing only ApiVersions' own range.
      const w = new Writer(32);
      w.int32(correlationId);
      w.int16(35);
      w.int32(1);
      w.int16(API_VERSIONS_KEY);
      w.int16(range[0]);
      w.int16(range[1]);
      return this.send(w.finish());
    }
    // Like Apache Kafka, an API or version it does not serve closes the connection (only
    // ApiVersions gets an answer, above); the log line says which and what is served.
    if (!schema || !range || !handler) brokerRequests.inc({ api: 'unknown', outcome: 'unsupported' });
    if (!schema || !range || !handler) throw new ProtocolError(`unsupported API key ${apiKey} (client '${this.clientIdOf(r)}')`);
    if (version < range[0] || version > range[1]) {
      brokerRequests.inc({ api: schema.name, outcome: 'unsupported' });
      throw new ProtocolError(`unsupported version ${version} of ${schema.name} (this broker serves versions ${range[0]}-${range[1]}; client '${this.clientIdOf(r)}')`);
    }
    if (sasl && !sasl.authenticated && !BEFORE_AUTH.has(apiKey)) {
      brokerRequests.inc({ api: schema.name, outcome: 'unauthenticated' });
      throw new ProtocolError(`${schema.name} request before SASL authentication (client '${this.clientIdOf(r)}'); this listener needs SASL (${sasl.offered.join(', ')})`);
    }
    const clientId = r.nullableString() ?? '';
    const flexible = version >= schema.flexibleFrom;
    if (flexible) {
      const tags = r.uvarint();
      for (let i = 0; i < tags; i++) {
        r.uvarint();
        r.take(r.uvarint());
      }
    }
    const body = readStruct(schema.request, version, flexible, r);
    const info: RequestInfo = {
      apiKey,
      version,
      clientId,
      clientHost: this.socket.remoteAddress ?? '',
      principal: sasl?.principal ?? ANONYMOUS,
      sasl,
      closeAfterResponse: (reason) => {
        this.closeReason = reason;
      },
      onDisconnect: (fn) => {
        this.disconnectListeners.add(fn);
        return () => this.disconnectListeners.delete(fn);
      },
    };
    brokerRequests.inc({ api: schema.name, outcome: 'ok' });
    const res = await handler(this.ctx, body, info);
    if (this.ctx.logRequests) this.logger(`${schema.name} v${version} from ${this.peer} client '${clientId}' ${info.principal}: ${requestOutcome(res)}`);
    if (res === NO_RESPONSE || this.closed) return;
    const w = new Writer(256);
    w.int32(correlationId);
    if (flexible && apiKey !== API_VERSIONS_KEY) w.uvarint(0);
    writeStruct(schema.response, version, flexible, w, res as Body);
    this.send(w.finish());
    if (this.closeReason !== undefined) {
      // let the answer reach the client, then close (destroy() could drop it)
      this.logger(`closing connection from ${this.peer}: ${this.closeReason}`);
      this.ending = true;
      this.frames = [];
      this.socket.end();
      setTimeout(() => this.close(), 2000).unref();
    }
  }
}

export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? (() => {});
  const closeListeners = new Set<() => void>();
  const groupCoordinator = new GroupCoordinator();
  const consumerGroups = new ConsumerGroupCoordinator(options.consumerSessionTimeoutMs, options.consumerHeartbeatIntervalMs);
  const ctx: BrokerContext = {
    log: options.log,
    groups: groupCoordinator,
    consumerGroups,
    nodeId: options.nodeId ?? 0,
    host: options.advertisedHost ?? host,
    port: options.advertisedPort ?? options.port,
    clusterId: clusterIdFor(options.log.dataDir),
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    logRequests: options.logRequests ?? false,
    acls: options.security?.authorizer ? new AclStore(options.log.dataDir, options.security.authorizer) : undefined,
    closing: false,
    onClose(fn) {
      closeListeners.add(fn);
      return () => closeListeners.delete(fn);
    },
  };
  const connections = new Set<Connection>();
  const accept = (socket: net.Socket) => {
    if (ctx.closing) return socket.destroy();
    const c: Connection = new Connection(socket, ctx, options.maxFrameBytes ?? 100 << 20, logger, () => connections.delete(c), options.security?.sasl);
    connections.add(c);
  };
  const tlsOptions = options.security?.tls;
  const server = tlsOptions ? tls.createServer(tlsOptions, accept) : net.createServer(accept);
  if (tlsOptions) server.on('tlsClientError', (e: Error, socket: tls.TLSSocket) => logger(`TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  const port = bound.port;
  if (options.advertisedPort === undefined) ctx.port = port;
  const showHost = (h: string) => (h.includes(':') ? `[${h}]` : h);
  return {
    host: ctx.host,
    port,
    address: `${showHost(ctx.host)}:${ctx.port}`,
    listenAddress: `${showHost(bound.address)}:${port}`,
    groups: groupCoordinator,
    securityProtocol: securityProtocolOf(options.security),
    acls: ctx.acls,
    get connectionCount() {
      return connections.size;
    },
    async close() {
      if (ctx.closing) return;
      ctx.closing = true;
      for (const fn of [...closeListeners]) fn();
      groupCoordinator.close();
      consumerGroups.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of [...connections]) c.close();
      await closed;
    },
  };
}
