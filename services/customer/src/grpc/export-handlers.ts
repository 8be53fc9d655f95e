import type { Policies, RpcContext } from '@liaison/platform';
import { customerV1, importExportV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { ExportService } from '../domain/export-service';
import { listQueryFromProto } from './customer-handlers';
import { formatFromProto } from './import-mapper';

type Ctx = RpcContext;

// Chunks of about this size keep gRPC messages small and the download flowing.
const CHUNK_BYTES = 64 * 1024;

/** CustomerExportService RPCs. */
export function exportHandlers(service: ExportService) {
  return {
    async exportCustomers(
      request: importExportV1.ExportCustomersRequest,
      ctx: Ctx,
      send: (response: importExportV1.ExportCustomersResponse) => Promise<void>,
    ): Promise<void> {
      const format =
        formatFromProto(request.format) ??
        (request.format === importExportV1.TransferFileFormat.TRANSFER_FILE_FORMAT_UNSPECIFIED ? 'csv' : undefined);
      if (!format) throw AppError.invalid('unknown format', [{ field: 'format', message: 'must be csv or xlsx' }]);
      const language = request.columnLanguage === importExportV1.ColumnLanguage.COLUMN_LANGUAGE_ZH ? 'zh' : 'en';
      const {
        pageSize: _pageSize,
        pageToken: _pageToken,
        sort: _sort,
        ...filter
      } = listQueryFromProto(request.filter ?? customerV1.ListCustomersRequest.fromPartial({}));
      await service.write(ctx.principal, filter, format, language, async (bytes) => {
        for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES)
          await send({ chunk: bytes.subarray(start, start + CHUNK_BYTES) });
      });
    },
  };
}

exportHandlers.definition = importExportV1.CustomerExportServiceService;
exportHandlers.policies = {
  // Checked before the first byte, so that a refusal is an error and not an empty file.
  exportCustomers: { permission: ['customer', 'export'] },
} satisfies Policies<typeof importExportV1.CustomerExportServiceService>;
