import { requirePermission, type Action, type Module, type Principal } from '@liaison/auth';
import type { CallContext, GrpcServer, RpcPolicies } from '@liaison/runtime';
import type { PoolClient } from 'pg';

// The gRPC server of a platform service: callers are Keycloak principals, each RPC declares a
// `module:action` permission and whether it runs in a transaction (see RpcPolicy in libs/runtime).

export type Permission = readonly [Module, Action];

export type PostgresGrpcServer = GrpcServer<Principal, Permission, PoolClient>;
export type MongoGrpcServer = GrpcServer<Principal, Permission, never>;

/** The context of an RPC of a PostgreSQL service; `tx` exists when the RPC declares a transaction. */
export type RpcContext = CallContext<Principal, PoolClient>;

/** The policies of one gRPC service, e.g. `const policies: Policies<typeof customerV1.CustomerServiceService> = {…}`. */
export type Policies<S> = RpcPolicies<S, Permission>;

export function authorizeRpc(principal: Principal, [module, action]: Permission): void {
  requirePermission(principal, module, action);
}
