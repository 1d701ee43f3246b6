// What request handlers see: the log, the group coordinator, broker identity and config.

import type { EmbeddedLog } from '../log/embedded/index.js';
import type { GroupCoordinator } from './groups.js';
import type { ConsumerGroupCoordinator } from './consumer-groups.js';
import type { AclStore } from './security/acls.js';
import type { SaslSession } from './security/sasl.js';

export interface BrokerContext {
  log: EmbeddedLog;
  groups: GroupCoordinator;
  /** KIP-848 consumer-protocol groups (ConsumerGroupHeartbeat). */
  consumerGroups: ConsumerGroupCoordinator;
  nodeId: number;
  /** Host and port advertised in Metadata and FindCoordinator. */
  host: string;
  port: number;
  clusterId: string;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  /** The ACLs and authorizer settings; undefined when no authorizer is configured (all allowed). */
  acls?: AclStore;
  /** Whether each request is logged. */
  logRequests: boolean;
  /** True once the broker is shutting down (long polls return at once). */
  closing: boolean;
  /** Resolves long polls early when the broker shuts down. */
  onClose(fn: () => void): () => void;
}

export interface RequestInfo {
  apiKey: number;
  version: number;
  clientId: string;
  clientHost: string;
  /** "User:<name>" after SASL, else "User:ANONYMOUS". */
  principal: string;
  /** This connection's SASL state, when the listener requires SASL. */
  sasl?: SaslSession;
  /** Closes the connection once the answer to this request has gone out. */
  closeAfterResponse(reason: string): void;
  /** Registers a callback for when the client's connection goes away (ends long polls). */
  onDisconnect(fn: () => void): () => void;
}

/** A handler's answer for requests that get no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

// Request and response bodies are plain objects shaped by the schema tables.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

export type Handler = (ctx: BrokerContext, req: Body, info: RequestInfo) => Body | typeof NO_RESPONSE | Promise<Body | typeof NO_RESPONSE>;

export function errorCodeOf(e: unknown): number | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'number' ? (e as { code: number }).code : undefined;
}
