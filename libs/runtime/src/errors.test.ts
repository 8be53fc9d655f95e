import { status } from '@grpc/grpc-js';
import { AppError, fromGrpcError, toGrpcError } from './errors';

describe('error mapping', () => {
  it('carries code, message and field violations across gRPC', () => {
    const original = AppError.invalid('bad customer', [{ field: 'name', message: 'must not be empty' }]);
    const wire = toGrpcError(original);
    expect(wire.code).toBe(status.INVALID_ARGUMENT);
    const back = fromGrpcError(wire);
    expect(back.code).toBe('invalid_argument');
    expect(back.message).toBe('bad customer');
    expect(back.violations).toEqual([{ field: 'name', message: 'must not be empty' }]);
  });

  it('maps version conflicts to ABORTED and back', () => {
    const wire = toGrpcError(new AppError('version_conflict', 'stale'));
    expect(wire.code).toBe(status.ABORTED);
    expect(fromGrpcError(wire).code).toBe('version_conflict');
  });

  it('keeps the stable code of library errors that carry an HTTP status as the reason', () => {
    class AuthLikeError extends Error {
      readonly code = 'token_expired';
      readonly status = 401;
    }
    const wire = toGrpcError(new AuthLikeError('token expired'));
    expect(wire.code).toBe(status.UNAUTHENTICATED);
    expect(fromGrpcError(wire)).toMatchObject({ code: 'unauthenticated', reason: 'token_expired', message: 'token expired' });
  });

  it('hides unexpected errors behind INTERNAL', () => {
    const wire = toGrpcError(new Error('connection string postgres://secret'));
    expect(wire.code).toBe(status.INTERNAL);
    expect(wire.details).toBe('internal error');
  });

  it('maps plain transport errors by status', () => {
    expect(fromGrpcError({ code: status.UNAVAILABLE, details: 'No connection established' }).code).toBe('unavailable');
    expect(fromGrpcError({ code: status.DEADLINE_EXCEEDED, details: 'x' }).code).toBe('deadline_exceeded');
  });
});
