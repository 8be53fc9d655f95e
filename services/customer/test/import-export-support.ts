import type { ClientReadableStream } from '@grpc/grpc-js';
import { customerV1, importExportV1 } from '@liaison/contracts';
import { fromGrpcError, unary } from '@liaison/runtime';
import { parse } from 'csv-parse/sync';
import { callerMetadata as as } from './support';

// What the import/export integration tests do over gRPC: upload a file (cut into small chunks, so
// that characters and lines arrive split), wait for the job, and read streamed files back.

const { TransferFileFormat: Format, CustomerImportStatus: Status } = importExportV1;

export type ImportOptions = Partial<importExportV1.CustomerImportOptions>;
export type ExportRequest = Omit<Partial<importExportV1.ExportCustomersRequest>, 'filter'> & {
  filter?: Partial<customerV1.ListCustomersRequest>;
};

/** Concatenates a server-streamed file. */
export function collect(call: ClientReadableStream<{ chunk: Buffer }>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    call.on('data', (message: { chunk: Buffer }) => parts.push(Buffer.from(message.chunk)));
    call.on('error', (error) => reject(fromGrpcError(error)));
    call.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** The records of a CSV file as cells, BOM removed; every record must have the header's cells. */
export function csvRows(bytes: Buffer): string[][] {
  return parse(bytes, { bom: true });
}

export interface ImportExportClients {
  imports: importExportV1.CustomerImportServiceClient;
  exports: importExportV1.CustomerExportServiceClient;
}

/** `clients` is read at call time, so the calls can be made at module level and clients in beforeAll. */
export function importExportCalls(clients: () => ImportExportClients, defaults: { fileName: string; chunkBytes: number }) {
  const upload = async (user: string, file: Buffer, options: ImportOptions = {}): Promise<importExportV1.CustomerImport> => {
    const metadata = await as(user);
    return new Promise((resolve, reject) => {
      const call = clients().imports.uploadCustomerImport(metadata, (error, response) =>
        error ? reject(fromGrpcError(error)) : resolve(response.import!),
      );
      call.write({
        options: importExportV1.CustomerImportOptions.fromPartial({
          fileName: defaults.fileName,
          format: Format.TRANSFER_FILE_FORMAT_CSV,
          ...options,
        }),
      });
      for (let start = 0; start < file.length; start += defaults.chunkBytes)
        call.write({ chunk: file.subarray(start, start + defaults.chunkBytes) });
      call.end();
    });
  };
  const getImport = async (user: string, id: string) => {
    const { imports } = clients();
    return (await unary(imports.getCustomerImport.bind(imports), { id }, await as(user))).import!;
  };
  const finished = async (user: string, id: string): Promise<importExportV1.CustomerImport> => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const job = await getImport(user, id);
      if (job.status === Status.CUSTOMER_IMPORT_STATUS_COMPLETED || job.status === Status.CUSTOMER_IMPORT_STATUS_FAILED) return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`import ${id} did not finish`);
  };
  return {
    upload,
    getImport,
    finished,
    /** Uploads and waits until the job completed or failed. */
    importFile: async (user: string, file: Buffer, options: ImportOptions = {}) => finished(user, (await upload(user, file, options)).id),
    errorReport: async (user: string, id: string) => collect(clients().imports.downloadCustomerImportErrors({ id }, await as(user))),
    exportFile: async (user: string, request: ExportRequest) =>
      collect(clients().exports.exportCustomers(importExportV1.ExportCustomersRequest.fromPartial(request), await as(user))),
  };
}
