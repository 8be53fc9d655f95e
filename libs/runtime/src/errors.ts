import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';

// One error vocabulary for the whole platform. Domain code throws AppError with a stable,
// machine-readable code; the gRPC layer turns it into a status plus metadata, and the gateway
// turns that back into application/problem+json with the same code.

export type ErrorCode =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'already_exists'
  | 'version_conflict'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'internal';

export interface FieldViolation {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly violations: FieldViolation[] = [],
    /** A finer, still stable reason such as `token_expired`; shown to clients as the problem code. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static invalid(message: string, violations: FieldViolation[] = []): AppError {
    return new AppError('invalid_argument', message, violations);
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }
}

const GRPC_BY_CODE: Record<ErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  version_conflict: GrpcStatus.ABORTED,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline_exceeded: GrpcStatus.DEADLINE_EXCEEDED,
  internal: GrpcStatus.INTERNAL,
};

const CODE_BY_GRPC = new Map<GrpcStatus, ErrorCode>(Object.entries(GRPC_BY_CODE).map(([code, grpc]) => [grpc, code as ErrorCode]));

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  version_conflict: 412,
  failed_precondition: 409,
  resource_exhausted: 429,
  unavailable: 503,
  deadline_exceeded: 504,
  internal: 500,
};

const CODE_KEY = 'liaison-error-code';
const REASON_KEY = 'liaison-error-reason';
const VIOLATIONS_KEY = 'liaison-error-violations-bin';

export interface GrpcErrorShape {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = { 401: 'unauthenticated', 403: 'permission_denied', 503: 'unavailable' };

/**
 * Normalises anything thrown into an AppError, or undefined for unexpected errors. Errors of
 * other libraries that carry an HTTP status and a stable code (AuthError of @liaison/auth) keep
 * their code as the reason.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const candidate = error as { status?: unknown; code?: unknown; message?: unknown };
  if (error instanceof Error && typeof candidate.status === 'number' && typeof candidate.code === 'string') {
    const code = CODE_BY_HTTP_STATUS[candidate.status];
    if (code) return new AppError(code, error.message, [], candidate.code);
  }
  return undefined;
}

/** Turns anything thrown by a handler into a gRPC status; unknown errors become INTERNAL without details. */
export function toGrpcError(thrown: unknown): GrpcErrorShape {
  const metadata = new Metadata();
  const error = toAppError(thrown);
  if (error) {
    metadata.set(CODE_KEY, error.code);
    if (error.reason) metadata.set(REASON_KEY, error.reason);
    if (error.violations.length > 0) metadata.set(VIOLATIONS_KEY, Buffer.from(JSON.stringify(error.violations)));
    return { code: GRPC_BY_CODE[error.code], details: error.message, metadata };
  }
  metadata.set(CODE_KEY, 'internal');
  return { code: GrpcStatus.INTERNAL, details: 'internal error', metadata };
}

interface ServiceErrorLike {
  code?: number;
  details?: string;
  metadata?: Metadata;
}

/** Rebuilds an AppError from a gRPC client error, so callers see the same code the server threw. */
export function fromGrpcError(error: unknown): AppError {
  const serviceError = error as ServiceErrorLike;
  if (typeof serviceError?.code !== 'number') return new AppError('internal', 'internal error');
  const code = serviceError.metadata?.get(CODE_KEY)[0] as string | undefined as ErrorCode | undefined;
  const mapped = code && code in GRPC_BY_CODE ? code : (CODE_BY_GRPC.get(serviceError.code) ?? 'internal');
  const rawViolations = serviceError.metadata?.get(VIOLATIONS_KEY)[0];
  const violations = rawViolations ? (JSON.parse(String(rawViolations)) as FieldViolation[]) : [];
  const message = mapped === 'internal' ? 'internal error' : (serviceError.details ?? mapped);
  const reason = serviceError.metadata?.get(REASON_KEY)[0] as string | undefined;
  return new AppError(mapped, message, violations, reason);
}
