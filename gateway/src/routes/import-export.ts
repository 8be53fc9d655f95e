import type { Request, Response } from 'express';
import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { Type } from '@sinclair/typebox';
import { importExportV1 } from '@liaison/contracts';
import type { AppError } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem } from '../http/problem-responses';
import { LIST_FIELD_NAMES, listRequestFromQuery } from './customer-json';
import {
  CustomerImport,
  CustomerImportList,
  ExportCustomersQuery,
  ImportIdParams,
  importOptionsFromQuery,
  importToJson,
  ListImportsQuery,
  UploadImportQuery,
  type ExportQueryJson,
} from './import-export-schemas';
import { pageFromQuery, nextPageTokenOf } from '../http/paging';

// CUS-14 through the gateway: uploads stream from the HTTP request into a client-streaming gRPC
// call, downloads from a server-streaming call into the HTTP response, both with backpressure,
// so neither side ever holds a whole file.

const CSV_TYPE = 'text/csv';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// 1M customer rows are about 150 MB of CSV; twice that is no customer file.
const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;
// gRPC messages well below the 4 MB limit.
const MAX_CHUNK_BYTES = 256 * 1024;
// A million rows take minutes to read or export; the default deadline of unary calls is seconds.
const STREAM_DEADLINE_MS = 60 * 60 * 1000;
const FILE_FORMATS = {
  csv: importExportV1.TransferFileFormat.TRANSFER_FILE_FORMAT_CSV,
  xlsx: importExportV1.TransferFileFormat.TRANSFER_FILE_FORMAT_XLSX,
};

const streamDeadline = () => ({ deadline: Date.now() + STREAM_DEADLINE_MS });

type StreamFailure = (error: ServiceError) => AppError;

/** Sends the request body as the upload's chunks; resolves with the created job. */
function streamUpload(
  client: importExportV1.CustomerImportServiceClient,
  metadata: Metadata,
  options: importExportV1.CustomerImportOptions,
  req: Request,
  failure: StreamFailure,
): Promise<importExportV1.CustomerImport> {
  return new Promise((resolve, reject) => {
    const call = client.uploadCustomerImport(metadata, streamDeadline(), (error, response) =>
      error ? reject(failure(error)) : resolve(response.import!),
    );
    let received = 0;
    const fail = (problem: HttpProblem) => {
      req.unpipe();
      call.cancel();
      reject(problem);
    };
    call.write({ options });
    req.on('data', (data: Buffer) => {
      received += data.length;
      if (received > MAX_UPLOAD_BYTES)
        return fail(new HttpProblem(413, 'body_too_large', `files are limited to ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`));
      for (let start = 0; start < data.length; start += MAX_CHUNK_BYTES) {
        if (!call.write({ chunk: data.subarray(start, start + MAX_CHUNK_BYTES) })) req.pause();
      }
    });
    call.on('drain', () => req.resume());
    req.on('end', () => call.end());
    req.on('aborted', () => fail(new HttpProblem(400, 'upload_aborted', 'the upload was aborted')));
  });
}

/**
 * Pipes a server stream of chunks into the response. The status and headers wait for the first
 * chunk, so that a refusal (permission, bad filter) still answers as a problem; a failure after
 * that can only cut the download short.
 */
function streamDownload(
  call: ClientReadableStream<{ chunk: Buffer }>,
  res: Response,
  headers: Record<string, string>,
  failure: StreamFailure,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.status(200).set(headers);
    };
    call.on('data', (message: { chunk: Buffer }) => {
      start();
      if (!res.write(message.chunk)) call.pause();
    });
    res.on('drain', () => call.resume());
    res.on('close', () => {
      if (!res.writableFinished) call.cancel();
    });
    // Done when every message is through and the status says OK: an error status can come
    // after the last message, and an OK status before the buffered messages are delivered.
    let ended = false;
    let succeeded = false;
    const finishIfDone = () => {
      if (!ended || !succeeded) return;
      start();
      res.end();
      resolve();
    };
    call.on('end', () => {
      ended = true;
      finishIfDone();
    });
    call.on('status', (status: { code: number }) => {
      succeeded = status.code === 0;
      finishIfDone();
    });
    call.on('error', (error: ServiceError) => {
      if (!started) return reject(failure(error));
      res.destroy(failure(error));
      resolve();
    });
  });
}

function formatOf(req: Request, requested: string | undefined, fileName: string): 'csv' | 'xlsx' {
  if (requested === 'csv' || requested === 'xlsx') return requested;
  if (req.is(XLSX_TYPE) || /\.xlsx$/i.test(fileName)) return 'xlsx';
  return 'csv';
}

// RFC 6266: an ASCII fallback plus the UTF-8 name, so browsers save 客户导出.csv as such.
function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function importExportRoutes(
  api: ApiRouter,
  imports: importExportV1.CustomerImportServiceClient,
  exports: importExportV1.CustomerExportServiceClient,
): void {
  api.add({
    method: 'post',
    path: '/customer-imports',
    operationId: 'uploadCustomerImport',
    summary: 'Import customers from a CSV (UTF-8 or GB18030) or XLSX file sent as the raw body; the import runs on after the answer',
    tag: 'Customer import and export',
    permission: ['import', 'create'],
    query: UploadImportQuery,
    streamBody: {
      mediaTypes: [CSV_TYPE, XLSX_TYPE, 'application/octet-stream'],
      description:
        'The file itself, streamed. Header row first; columns by English or Chinese name (客户名称/name, 电话/phone, ...); custom fields by label or key (a built-in column wins a shared heading).',
    },
    // The upload's options are query parameters in JSON, an options message in protobuf.
    fieldNames: { options: '' },
    responses: {
      202: {
        description: 'The file was read and checked; the import job runs. Poll Location for progress.',
        schema: CustomerImport,
        headers: { Location: { description: 'The import job.', schema: Type.String() } },
      },
      400: problem('Invalid options, an unreadable file, no name column or no rows.'),
      413: problem('The file is too large.'),
      415: problem('Not a CSV or XLSX body.'),
    },
    async handler({ query, metadata, streamFailure, req, res }) {
      const fileName = query.fileName ?? `customers.${formatOf(req, query.format, '')}`;
      const options = importExportV1.CustomerImportOptions.fromPartial({
        ...importOptionsFromQuery(query),
        fileName,
        format: FILE_FORMATS[formatOf(req, query.format, fileName)],
      });
      const job = importToJson(await streamUpload(imports, metadata, options, req, streamFailure));
      res.status(202).location(`${req.baseUrl}/customer-imports/${job.id}`).json(job);
    },
  });

  api.add({
    method: 'get',
    path: '/customer-imports',
    operationId: 'listCustomerImports',
    summary: "The caller's import jobs, newest first (administrators: everyone's)",
    tag: 'Customer import and export',
    permission: ['import', 'read'],
    query: ListImportsQuery,
    responses: { 200: { description: 'One page.', schema: CustomerImportList } },
    async handler({ query, call, res }) {
      const response = await call(imports, 'listCustomerImports', { page: pageFromQuery(query) });
      res.json({ items: response.imports.map(importToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/customer-imports/{id}',
    operationId: 'getCustomerImport',
    summary: 'One import job with its progress and statistics',
    tag: 'Customer import and export',
    permission: ['import', 'read'],
    params: ImportIdParams,
    responses: {
      200: { description: 'The job.', schema: CustomerImport },
      404: problem('No such import of the caller.'),
    },
    async handler({ params, call, res }) {
      const response = await call(imports, 'getCustomerImport', { id: params.id });
      res.json(importToJson(response.import!));
    },
  });

  api.add({
    method: 'get',
    path: '/customer-imports/{id}/errors',
    operationId: 'downloadCustomerImportErrors',
    summary: 'The rows that were not imported and why, as CSV (UTF-8 with BOM): row, column, value, message',
    tag: 'Customer import and export',
    permission: ['import', 'read'],
    params: ImportIdParams,
    responses: {
      200: { description: 'text/csv download.' },
      404: problem('No such import of the caller.'),
    },
    async handler({ params, metadata, streamFailure, res }) {
      const download = imports.downloadCustomerImportErrors({ id: params.id }, metadata, streamDeadline());
      const headers = { 'Content-Type': `${CSV_TYPE}; charset=utf-8`, 'Content-Disposition': attachment(`import-errors-${params.id}.csv`) };
      await streamDownload(download, res, headers, streamFailure);
    },
  });

  api.add({
    method: 'get',
    path: '/customers/export',
    operationId: 'exportCustomers',
    summary: "Every customer of the caller's data scope matching the filters of GET /customers, streamed as CSV (UTF-8 BOM, CRLF) or XLSX",
    tag: 'Customer import and export',
    permission: ['customer', 'export'],
    query: ExportCustomersQuery,
    fieldNames: LIST_FIELD_NAMES,
    responses: { 200: { description: 'text/csv or XLSX download.' } },
    async handler({ query, metadata, streamFailure, res }) {
      const { format = 'csv', headers = 'en', ...filters }: ExportQueryJson = query as ExportQueryJson;
      const request = importExportV1.ExportCustomersRequest.fromPartial({
        filter: listRequestFromQuery(filters),
        format: FILE_FORMATS[format],
        columnLanguage:
          headers === 'zh' ? importExportV1.ColumnLanguage.COLUMN_LANGUAGE_ZH : importExportV1.ColumnLanguage.COLUMN_LANGUAGE_EN,
      });
      const download = exports.exportCustomers(request, metadata, streamDeadline());
      const type = format === 'xlsx' ? XLSX_TYPE : `${CSV_TYPE}; charset=utf-8`;
      const fileName = `${headers === 'zh' ? '客户导出' : 'customers'}.${format}`;
      await streamDownload(download, res, { 'Content-Type': type, 'Content-Disposition': attachment(fileName) }, streamFailure);
    },
  });
}
