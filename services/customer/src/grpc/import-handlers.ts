import type { Policies, RpcContext } from '@liaison/platform';
import { importExportV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import { checkOptions, type ImportOptions } from '../domain/import-job';
import type { ImportService } from '../domain/import-service';
import { assignToFromProto, duplicateKeyFromProto, duplicatesFromProto, formatFromProto, toProtoImport } from './import-mapper';

type Ctx = RpcContext;

function optionsFromProto(options: importExportV1.CustomerImportOptions): ImportOptions {
  const duplicates = duplicatesFromProto(options.duplicates);
  const duplicateKey = duplicateKeyFromProto(options.duplicateKey);
  const assignTo = assignToFromProto(options.assignTo);
  if (!duplicates || !duplicateKey || !assignTo) {
    throw AppError.invalid('unknown option value', [
      ...(duplicates ? [] : [{ field: 'options.duplicates', message: 'must be skip, update or create' }]),
      ...(duplicateKey ? [] : [{ field: 'options.duplicate_key', message: 'must be name_phone, name, phone or email' }]),
      ...(assignTo ? [] : [{ field: 'options.assign_to', message: 'must be importer or pool' }]),
    ]);
  }
  return checkOptions({
    fileName: options.fileName,
    format: formatFromProto(options.format),
    encoding: options.encoding,
    duplicates,
    duplicateKey,
    assignTo,
  });
}

// The first message of an upload carries the options; the file's bytes follow.
async function splitUpload(
  requests: AsyncIterable<importExportV1.UploadCustomerImportRequest>,
): Promise<{ options: importExportV1.CustomerImportOptions; file: AsyncIterable<Uint8Array> }> {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next();
  const options = first.done ? undefined : first.value.options;
  if (!options)
    throw AppError.invalid('the first message must carry the options', [
      { field: 'options', message: 'send the options first, then the file in chunks' },
    ]);
  async function* file(): AsyncGenerator<Uint8Array> {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (next.value.options)
        throw AppError.invalid('options may be sent once, first', [
          { field: 'options', message: 'only the first message carries options' },
        ]);
      if (next.value.chunk && next.value.chunk.byteLength > 0) yield next.value.chunk;
    }
  }
  return { options, file: file() };
}

/** CustomerImportService RPCs. */
export function importHandlers(service: ImportService) {
  return {
    async uploadCustomerImport(
      requests: AsyncIterable<importExportV1.UploadCustomerImportRequest>,
      ctx: Ctx,
    ): Promise<importExportV1.UploadCustomerImportResponse> {
      const { options, file } = await splitUpload(requests);
      return { import: toProtoImport(await service.upload(ctx.principal, optionsFromProto(options), file)) };
    },

    async getCustomerImport(request: importExportV1.GetCustomerImportRequest, ctx: Ctx): Promise<importExportV1.GetCustomerImportResponse> {
      return { import: toProtoImport(await service.get(ctx.principal, request.id)) };
    },

    async listCustomerImports(
      request: importExportV1.ListCustomerImportsRequest,
      ctx: Ctx,
    ): Promise<importExportV1.ListCustomerImportsResponse> {
      const page = await service.list(ctx.principal, request.page?.pageSize ?? 0, request.page?.pageToken ?? '');
      return { imports: page.jobs.map(toProtoImport), page: { nextPageToken: page.nextPageToken } };
    },

    async downloadCustomerImportErrors(
      request: importExportV1.DownloadCustomerImportErrorsRequest,
      ctx: Ctx,
      send: (response: importExportV1.DownloadCustomerImportErrorsResponse) => Promise<void>,
    ): Promise<void> {
      for await (const chunk of service.errorReport(ctx.principal, request.id)) await send({ chunk });
    },
  };
}

importHandlers.definition = importExportV1.CustomerImportServiceService;
importHandlers.policies = {
  uploadCustomerImport: { permission: ['import', 'create'] },
  getCustomerImport: { permission: ['import', 'read'] },
  listCustomerImports: { permission: ['import', 'read'] },
  downloadCustomerImportErrors: { permission: ['import', 'read'] },
} satisfies Policies<typeof importExportV1.CustomerImportServiceService>;
