// Kafka ACLs: bindings of (resource pattern, principal, host, operation, permission), kept
// durable in the data directory (broker-acls.json), and the authorizer's rule over them:
// super users may do anything; a matching DENY wins; an ALLOW for the operation (or one that
// implies it) grants; with no ACL on a resource, allow.everyone.if.no.acl.found decides.

import fs from 'node:fs';
import path from 'node:path';

export const ResourceType = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
export const Operation = {
  ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8,
  CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12,
} as const;
export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const Permission = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** A DescribeAcls/DeleteAcls filter: null strings and ANY codes match everything. */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export interface AuthorizerConfig {
  /** Principals ("User:name") allowed everything. */
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
}

/** Operations an ALLOW of another operation also grants (Kafka's implied operations). */
const IMPLIED_BY: Record<number, number[]> = {
  [Operation.DESCRIBE]: [Operation.READ, Operation.WRITE, Operation.DELETE, Operation.ALTER],
  [Operation.DESCRIBE_CONFIGS]: [Operation.ALTER_CONFIGS],
};

/** Why a binding cannot be created, or undefined when it is valid. */
export function invalidBinding(b: AclBinding): string | undefined {
  if (b.resourceType < ResourceType.TOPIC || b.resourceType > ResourceType.TRANSACTIONAL_ID) return `unknown resource type ${b.resourceType}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `pattern type ${b.patternType} is not LITERAL (3) or PREFIXED (4)`;
  if (b.operation < Operation.ALL || b.operation > Operation.IDEMPOTENT_WRITE) return `unknown operation ${b.operation}`;
  if (b.permissionType !== Permission.ALLOW && b.permissionType !== Permission.DENY) return `permission type ${b.permissionType} is not ALLOW (3) or DENY (2)`;
  if (!/^[^:]+:.+$/.test(b.principal)) return `principal '${b.principal}' is not of the form User:<name>`;
  if (b.resourceName === '') return 'the resource name is empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `the cluster resource is named '${CLUSTER_NAME}'`;
  if (b.host === '') return "the host is empty (use '*' for any host)";
  return undefined;
}

function nameMatchesFilter(b: AclBinding, f: AclFilter): boolean {
  if (f.resourceName === null) return f.patternType === PatternType.ANY || f.patternType === PatternType.MATCH || b.patternType === f.patternType;
  if (f.patternType === PatternType.MATCH) {
    // every pattern that would apply to a resource of this name
    if (b.patternType === PatternType.LITERAL) return b.resourceName === f.resourceName || b.resourceName === WILDCARD;
    return f.resourceName.startsWith(b.resourceName);
  }
  if (f.patternType !== PatternType.ANY && b.patternType !== f.patternType) return false;
  return b.resourceName === f.resourceName;
}

export function matchesFilter(b: AclBinding, f: AclFilter): boolean {
  return (
    (f.resourceType === ResourceType.ANY || b.resourceType === f.resourceType) &&
    nameMatchesFilter(b, f) &&
    (f.principal === null || b.principal === f.principal) &&
    (f.host === null || b.host === f.host) &&
    (f.operation === Operation.ANY || b.operation === f.operation) &&
    (f.permissionType === Permission.ANY || b.permissionType === f.permissionType)
  );
}

function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType &&
    a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType
  );
}

export class AclStore {
  private bindings: AclBinding[] = [];
  private readonly file: string;

  constructor(
    dataDir: string,
    readonly config: AuthorizerConfig,
  ) {
    this.file = path.join(dataDir, 'broker-acls.json');
    if (fs.existsSync(this.file)) this.bindings = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { acls: AclBinding[] }).acls;
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ acls: this.bindings }, null, 1));
    fs.renameSync(tmp, this.file);
  }

  list(filter?: AclFilter): AclBinding[] {
    return filter ? this.bindings.filter((b) => matchesFilter(b, filter)) : [...this.bindings];
  }

  add(bindings: AclBinding[]): void {
    for (const b of bindings) if (!this.bindings.some((x) => sameBinding(x, b))) this.bindings.push({ ...b });
    this.save();
  }

  /** Removes the bindings each filter matches; returns them per filter. */
  remove(filters: AclFilter[]): AclBinding[][] {
    const removed = filters.map((f) => this.bindings.filter((b) => matchesFilter(b, f)));
    const gone = new Set(removed.flat());
    if (gone.size > 0) {
      this.bindings = this.bindings.filter((b) => !gone.has(b));
      this.save();
    }
    return removed;
  }

  /** Whether principal, connecting from host, may do operation on the named resource. */
  authorize(principal: string, host: string, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.config.superUsers.includes(principal)) return true;
    const applying = this.bindings.filter(
      (b) =>
        b.resourceType === resourceType &&
        (b.patternType === PatternType.LITERAL ? b.resourceName === resourceName || b.resourceName === WILDCARD : resourceName.startsWith(b.resourceName)),
    );
    if (applying.length === 0) return this.config.allowEveryoneIfNoAclFound;
    const forMe = applying.filter((b) => (b.principal === principal || b.principal === 'User:*') && (b.host === WILDCARD || b.host === host));
    const covers = (b: AclBinding, op: number) => b.operation === op || b.operation === Operation.ALL;
    if (forMe.some((b) => b.permissionType === Permission.DENY && covers(b, operation))) return false;
    const granting = [operation, ...(IMPLIED_BY[operation] ?? [])];
    return forMe.some((b) => b.permissionType === Permission.ALLOW && granting.some((op) => covers(b, op)));
  }
}
