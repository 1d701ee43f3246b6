// DescribeAcls, CreateAcls, DeleteAcls over the broker's AclStore. Describing needs DESCRIBE
// on the cluster, changing needs ALTER; with no authorizer configured they answer
// SECURITY_DISABLED, as Kafka does.

import { ErrorCode } from '../../log/errors.js';
import type { Body, BrokerContext, RequestInfo } from '../context.js';
import { CLUSTER_NAME, Operation, ResourceType, invalidBinding, type AclBinding, type AclFilter } from '../security/acls.js';
import { allowed } from '../security/authorize.js';

const NO_AUTHORIZER = 'No Authorizer is configured on the broker (set eddy.broker.authorizer.enabled=true).';
const DENIED = 'Cluster authorization failed.';

function clusterAllowed(ctx: BrokerContext, info: RequestInfo, operation: number): boolean {
  return allowed(ctx, info, operation, ResourceType.CLUSTER, CLUSTER_NAME);
}

function filterOf(b: Body, prefix = ''): AclFilter {
  return {
    resourceType: b[`resourceType${prefix}`],
    resourceName: b[`resourceName${prefix}`] ?? null,
    patternType: b[`patternType${prefix}`] ?? 3,
    principal: b[`principal${prefix}`] ?? null,
    host: b[`host${prefix}`] ?? null,
    operation: b.operation,
    permissionType: b.permissionType,
  };
}

export function describeAcls(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
  if (!ctx.acls) return fail(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!clusterAllowed(ctx, info, Operation.DESCRIBE)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, DENIED);
  const byResource = new Map<string, Body>();
  for (const b of ctx.acls.list(filterOf(req, 'Filter'))) {
    const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
    let r = byResource.get(key);
    if (!r) byResource.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
  }
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...byResource.values()] };
}

export function createAcls(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const creations = req.creations as Body[];
  const all = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, results: creations.map(() => ({ errorCode, errorMessage })) });
  if (!ctx.acls) return all(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!clusterAllowed(ctx, info, Operation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, DENIED);
  const valid: AclBinding[] = [];
  const results = creations.map((c) => {
    const b: AclBinding = {
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: c.resourcePatternType ?? 3,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    };
    const why = invalidBinding(b);
    if (why) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Invalid ACL: ${why}` };
    valid.push(b);
    return { errorCode: 0, errorMessage: null };
  });
  if (valid.length > 0) ctx.acls.add(valid);
  return { throttleTimeMs: 0, results };
}

export function deleteAcls(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const filters = req.filters as Body[];
  const all = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, filterResults: filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
  if (!ctx.acls) return all(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!clusterAllowed(ctx, info, Operation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, DENIED);
  const removed = ctx.acls.remove(filters.map((f) => filterOf(f, 'Filter')));
  return {
    throttleTimeMs: 0,
    filterResults: removed.map((list) => ({
      errorCode: 0,
      errorMessage: null,
      matchingAcls: list.map((b) => ({ errorCode: 0, errorMessage: null, ...b })),
    })),
  };
}
