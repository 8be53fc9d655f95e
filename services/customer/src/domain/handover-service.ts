import { randomUUID } from 'node:crypto';
import { customerScopeOf, customerWriteScopeOf, type Principal } from '@liaison/auth';
import {
  AppError,
  inTransaction,
  pageSizeOf,
  requireUuid,
  seqPageTokens,
  type FieldViolation,
  type Pool,
  type PoolClient,
} from '@liaison/runtime';
import { customersHandedOver, type MovedCustomer } from '../events/handover-events';
import {
  HandoverRepository,
  type CandidateRow,
  type HandoverViewer,
  type HistoryRow,
  type MoveRow,
} from '../persistence/handover-repository';
import { requireUnitAuthority } from './assignment';
import {
  checkHandover,
  distribute,
  successorResults,
  type CheckedHandover,
  type Handover,
  type HandoverCommand,
  type HandoverMove,
} from './handover';

const handoverPages = seqPageTokens('handovers');

// CUS-15 员工异动交接 use cases. One handover is one transaction: lock the employee's customers
// in the caller's write scope, spread them over the successors, move them with a handful of
// set-based statements, write history rows and events. Who: customer:transfer (admins for
// anyone, a sales manager for the customers in their write scope; reps lack it).

export class HandoverService {
  private readonly repository = new HandoverRepository();

  constructor(private readonly pool: Pool) {}

  /**
   * Runs its own transaction rather than the RPC's: a replay that loses the race for the request
   * id fails on commit, and only after that rollback can it read the handover that won.
   */
  async create(principal: Principal, command: HandoverCommand): Promise<Handover> {
    const checked = checkHandover(command);
    checked.successors.forEach((successor, index) => requireUnitAuthority(principal, successor.unit, `successors[${index}].unit`));
    const earlier = await this.earlier(principal, checked);
    if (earlier) return earlier;
    try {
      return await inTransaction(this.pool, (tx) => this.handOver(tx, principal, checked));
    } catch (error) {
      // A concurrent retry with the same request id won the insert: answer with its handover.
      const raced = await this.earlier(principal, checked);
      if (raced && error instanceof AppError && error.reason === 'request_replayed') return raced;
      throw error;
    }
  }

  async get(principal: Principal, id: string): Promise<Handover> {
    const handover = await this.repository.find(this.pool, requireUuid(id, 'id'), viewerOf(principal));
    if (!handover) throw AppError.notFound('handover');
    return handover;
  }

  async list(
    principal: Principal,
    query: { pageSize: number; pageToken: string; fromUserId: string },
  ): Promise<{ handovers: Handover[]; nextPageToken: string }> {
    const limit = pageSizeOf(query.pageSize);
    const page = await this.repository.list(this.pool, viewerOf(principal), {
      fromUserId: query.fromUserId.trim() || undefined,
      afterSeq: handoverPages.decode(query.pageToken),
      limit,
    });
    return { handovers: page.items, nextPageToken: page.nextSeq ? handoverPages.encode(page.nextSeq) : '' };
  }

  private async earlier(principal: Principal, checked: CheckedHandover): Promise<Handover | null> {
    return checked.requestId ? this.repository.findByRequestId(this.pool, principal.userId, checked.requestId) : null;
  }

  private async handOver(tx: PoolClient, principal: Principal, checked: CheckedHandover): Promise<Handover> {
    const isAdmin = customerWriteScopeOf(principal).kind === 'all';
    await this.repository.allowBulkStatements(tx);
    const candidates = await this.lockCandidates(tx, principal, checked, isAdmin);
    const moves = distribute(
      candidates.map((row) => ({ id: row.id, seq: BigInt(row.seq), owned: row.owner_id === checked.fromUserId })),
      checked.successors.length,
      checked.mapping,
    );
    const byId = new Map(candidates.map((row) => [row.id, row]));
    const at = await this.repository.now(tx);
    const moveRows: MoveRow[] = moves.map((move) => ({
      id: move.customerId,
      owned: move.owned,
      toId: checked.successors[move.successor].userId,
      toUnit: checked.successors[move.successor].unit,
    }));
    await this.repository.applyMoves(tx, checked.fromUserId, principal.userId, checked.rewriteCreator, moveRows);
    const contactsRewritten = checked.rewriteCreator
      ? await this.repository.rewriteContactCreators(tx, checked.fromUserId, principal.userId, moveRows)
      : 0;
    const customersRewritten = checked.rewriteCreator ? candidates.filter((row) => row.created_by === checked.fromUserId).length : 0;
    await this.recordHistory(tx, principal, checked, moves, byId, at);
    const results = successorResults(checked.successors, moves);
    const handover: Handover = {
      id: randomUUID(),
      fromUserId: checked.fromUserId,
      successors: results,
      allCustomers: checked.customerIds.length === 0,
      distribution: checked.distribution,
      rewriteCreator: checked.rewriteCreator,
      reason: checked.reason,
      customerCount: moves.filter((move) => move.owned).length,
      followedCount: moves.filter((move) => !move.owned).length,
      creatorRewrittenCount: customersRewritten + contactsRewritten,
      actorId: principal.userId,
      actorName: principal.username,
      createdAt: at,
      fromUnits: distinctUnits(moves.filter((m) => m.owned).map((m) => byId.get(m.customerId)!.owner_unit)),
    };
    const toUnits = distinctUnits(results.filter((r) => r.customerCount + r.followedCount > 0).map((r) => r.unit));
    if (!(await this.repository.insert(tx, { ...handover, requestId: checked.requestId, toUnits }))) {
      throw new AppError('already_exists', 'a handover with this request_id exists', [], 'request_replayed');
    }
    const customers = new Map(
      (
        await this.repository.customers(
          tx,
          moves.map((m) => m.customerId),
        )
      ).map((c) => [c.id, c]),
    );
    const moved: MovedCustomer[] = moves.map((move) => {
      const row = byId.get(move.customerId)!;
      return { move, customer: customers.get(move.customerId)!, fromUnit: row.owner_unit, previousFollowerId: row.follower_id };
    });
    await customersHandedOver(tx, handover, moved, isAdmin && handover.allCustomers);
    return handover;
  }

  /**
   * All: the employee's customers in the caller's write scope; a manager with none of them in
   * scope is refused as for an unknown employee. Selected: each must be in the write scope
   * (else not found, by index) and owned or followed by the employee.
   */
  private async lockCandidates(tx: PoolClient, principal: Principal, checked: CheckedHandover, isAdmin: boolean): Promise<CandidateRow[]> {
    const writeScope = customerWriteScopeOf(principal);
    if (checked.customerIds.length === 0) {
      const rows = await this.repository.lockEmployeeCustomers(tx, checked.fromUserId, writeScope);
      if (rows.length === 0 && !isAdmin)
        throw new AppError('not_found', 'no customers of this employee in your scope', [
          { field: 'from_user_id', message: 'has no customers you may change' },
        ]);
      return rows;
    }
    const rows = new Map((await this.repository.lockSelected(tx, checked.customerIds, writeScope)).map((row) => [row.id, row]));
    const missing: FieldViolation[] = [];
    const foreign: FieldViolation[] = [];
    checked.customerIds.forEach((id, index) => {
      const row = rows.get(id);
      if (!row || !row.in_write_scope)
        missing.push({ field: `customer_ids[${index}]`, message: 'not_found: no such customer in your scope' });
      else if (row.owner_id !== checked.fromUserId && row.follower_id !== checked.fromUserId)
        foreign.push({ field: `customer_ids[${index}]`, message: 'is neither owned nor followed by from_user_id' });
    });
    if (missing.length > 0) throw new AppError('not_found', 'customer not found', missing);
    if (foreign.length > 0)
      throw new AppError(
        'failed_precondition',
        "some selected customers are not the employee's; nothing was handed over",
        foreign,
        'not_employees_customer',
      );
    return checked.customerIds.map((id) => rows.get(id)!);
  }

  // Owner changes go to the ownership history; follower and creator changes to the key-field history.
  private async recordHistory(
    tx: PoolClient,
    principal: Principal,
    checked: CheckedHandover,
    moves: HandoverMove[],
    byId: Map<string, CandidateRow>,
    at: Date,
  ): Promise<void> {
    const reason = `handover: ${checked.reason}`.slice(0, 500);
    const owned = moves
      .filter((move) => move.owned)
      .map((move) => ({
        customerId: move.customerId,
        fromUnit: byId.get(move.customerId)!.owner_unit,
        toId: checked.successors[move.successor].userId,
        toUnit: checked.successors[move.successor].unit,
      }));
    await this.repository.recordOwnership(tx, owned, checked.fromUserId, checked.reason, principal.userId, at);
    const fields: HistoryRow[] = [];
    for (const move of moves) {
      const row = byId.get(move.customerId)!;
      const successor = checked.successors[move.successor].userId;
      const followerAfter = followerAfterMove(row, move, successor, checked.fromUserId);
      if (followerAfter !== row.follower_id)
        fields.push({ customerId: row.id, field: 'follower_id', oldValue: row.follower_id, newValue: followerAfter });
      if (checked.rewriteCreator && row.created_by === checked.fromUserId)
        fields.push({ customerId: row.id, field: 'created_by', oldValue: row.created_by, newValue: successor });
    }
    await this.repository.recordFieldHistory(tx, fields, reason, principal.userId, at);
  }
}

/** The same rule as HandoverRepository.applyMoves, for the history. */
function followerAfterMove(row: CandidateRow, move: HandoverMove, successor: string, fromUserId: string): string | null {
  if (move.owned) return row.follower_id === successor || row.follower_id === fromUserId ? null : row.follower_id;
  return row.owner_id === successor ? null : successor;
}

function distinctUnits(units: (string | null)[]): string[] {
  return [...new Set(units.filter((unit): unit is string => !!unit))].sort();
}

function viewerOf(principal: Principal): HandoverViewer {
  return { userId: principal.userId, readsAll: customerScopeOf(principal).kind === 'all', manages: principal.manages };
}
