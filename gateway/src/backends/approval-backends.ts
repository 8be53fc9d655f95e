import { status as GrpcStatus, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { approvalV1 } from '@liaison/contracts';
import { AppError, fromGrpcError, unary } from '@liaison/runtime';

// Approvals live in every service that has them (customer today; sales pipeline, service desk
// later), each serving liaison.approval.v1.ApprovalService for its own. The gateway shows them as
// one: it lists each service's page from the same cursor and merges them in the list order every
// service shares (newest first by create time, then id), and it sends an action to the service
// that owns the approval. Which services serve approvals it finds out by asking each backend for
// its kinds: a service that does not serve the API answers UNIMPLEMENTED and is left out.

export interface ApprovalBackend {
  service: string;
  client: approvalV1.ApprovalServiceClient;
}

export interface MergedPage {
  approvals: approvalV1.Approval[];
  /** The last approval shown when more follow: the next page starts after it. */
  next: approvalV1.ApprovalCursor | null;
}

const KINDS_TTL_MS = 60_000;
const OWNERS_REMEMBERED = 10_000;

/** The list order of every service: newest first by create time, then id descending. */
export function compareApprovals(a: approvalV1.Approval, b: approvalV1.Approval): number {
  const byTime = (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Merges pages that each service listed from the same cursor: the first `pageSize` in list
 * order. More follow when a service had more than it gave, or more than the page could take.
 */
export function mergePages(pages: approvalV1.ListApprovalsResponse[], pageSize: number): MergedPage {
  const all = pages.flatMap((page) => page.approvals).sort(compareApprovals);
  const approvals = all.slice(0, pageSize);
  const more = all.length > pageSize || pages.some((page) => Boolean(page.page?.nextPageToken));
  const last = approvals[approvals.length - 1];
  return { approvals, next: more && last ? { createTime: last.createTime, id: last.id } : null };
}

export class ApprovalBackends {
  private kindsByService = new Map<string, string[]>();
  private kindsFetchedAt = 0;
  private readonly owners = new Map<string, ApprovalBackend>();

  constructor(private readonly candidates: ApprovalBackend[]) {}

  close(): void {
    for (const backend of this.candidates) backend.client.close();
  }

  /** The services that serve approvals, with the kinds each decides. */
  async kinds(metadata: Metadata): Promise<Map<string, string[]>> {
    if (Date.now() - this.kindsFetchedAt > KINDS_TTL_MS) {
      const found = await Promise.all(this.candidates.map(async (backend) => [backend.service, await kindsOf(backend, metadata)] as const));
      this.kindsByService = new Map(found.filter((entry): entry is [string, string[]] => entry[1] !== null));
      this.kindsFetchedAt = Date.now();
    }
    return this.kindsByService;
  }

  /** One page over every service; kinds no service decides are refused first. */
  async list(metadata: Metadata, request: approvalV1.ListApprovalsRequest, pageSize: number): Promise<MergedPage> {
    const backends = await this.serving(metadata);
    await this.checkKinds(metadata, request.kinds);
    const ask = { ...request, page: { pageSize, pageToken: '' } };
    const pages = await Promise.all(backends.map((backend) => unary(backend.client.listApprovals.bind(backend.client), ask, metadata)));
    return mergePages(pages, pageSize);
  }

  /** The service that owns an approval the caller may read; not_found when none does. */
  async ownerOf(metadata: Metadata, id: string): Promise<ApprovalBackend> {
    const known = this.owners.get(id);
    if (known) return known;
    const backends = await this.serving(metadata);
    // One service with approvals: it is the owner, or the action itself answers not_found.
    if (backends.length === 1) return backends[0];
    const answers = await Promise.all(
      backends.map((backend) =>
        unary(backend.client.getApproval.bind(backend.client), { id }, metadata).then(
          () => backend,
          (error: AppError) => {
            if (error.code === 'not_found') return null;
            throw error;
          },
        ),
      ),
    );
    const owner = answers.find((backend): backend is ApprovalBackend => backend !== null);
    if (!owner) throw AppError.notFound('approval');
    this.remember(id, owner);
    return owner;
  }

  private async serving(metadata: Metadata): Promise<ApprovalBackend[]> {
    const kinds = await this.kinds(metadata);
    return this.candidates.filter((backend) => kinds.has(backend.service));
  }

  private async checkKinds(metadata: Metadata, requested: string[]): Promise<void> {
    if (requested.length === 0) return;
    const known = new Set([...(await this.kinds(metadata)).values()].flat());
    const unknown = requested.filter((kind) => !known.has(kind));
    if (unknown.length > 0) {
      throw AppError.invalid(
        'unknown approval kinds',
        unknown.map((kind) => ({ field: 'kind', message: `"${kind}" is not a kind (${[...known].sort().join(', ')})` })),
      );
    }
  }

  // Approval ids are UUIDs, so an owner never changes; the map is bounded, oldest forgotten first.
  private remember(id: string, backend: ApprovalBackend): void {
    if (this.owners.size >= OWNERS_REMEMBERED) this.owners.delete(this.owners.keys().next().value!);
    this.owners.set(id, backend);
  }
}

/** The kinds a backend decides, or null when it does not serve approvals at all. */
function kindsOf(backend: ApprovalBackend, metadata: Metadata): Promise<string[] | null> {
  return new Promise((resolve, reject) => {
    backend.client.listApprovalKinds({}, metadata, {}, (error: ServiceError | null, response) => {
      if (error?.code === GrpcStatus.UNIMPLEMENTED) resolve(null);
      else if (error) reject(fromGrpcError(error));
      else resolve(response.kinds);
    });
  });
}
