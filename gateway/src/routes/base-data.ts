import { baseDataV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem } from '../http/problem-responses';
import {
  BaseDataList,
  CreateBaseDataBody,
  EntryParams,
  ImportQuery,
  ImportResult,
  KindParams,
  ListBaseDataQuery,
  ListRegionsQuery,
  RegionList,
  UpdateBaseDataBody,
  BaseDataEntry,
  type BaseDataEntryJson,
  type BaseDataKindJson,
  type UpdateBaseDataJson,
} from './base-data-schemas';

/** CSV of at most 10 000 lines fits well within this. */
export const CSV_BODY_LIMIT = '2mb';
// 10 000 lines take seconds to check and write: more than the default deadline of a call.
const IMPORT_DEADLINE_MS = 60_000;

const { BaseDataKind: Kind } = baseDataV1;
const KINDS: Record<BaseDataKindJson, baseDataV1.BaseDataKind> = {
  source: Kind.BASE_DATA_KIND_SOURCE,
  industry: Kind.BASE_DATA_KIND_INDUSTRY,
  nature: Kind.BASE_DATA_KIND_NATURE,
  target_flag: Kind.BASE_DATA_KIND_TARGET_FLAG,
  province: Kind.BASE_DATA_KIND_PROVINCE,
  city: Kind.BASE_DATA_KIND_CITY,
};

function kindToJson(kind: baseDataV1.BaseDataKind): BaseDataKindJson {
  return (Object.keys(KINDS) as BaseDataKindJson[]).find((key) => KINDS[key] === kind) ?? 'source';
}

export function entryToJson(entry: baseDataV1.BaseDataEntry): BaseDataEntryJson {
  return {
    kind: kindToJson(entry.kind),
    code: entry.code,
    name: entry.name,
    nameEn: entry.nameEn || null,
    sortOrder: entry.sortOrder,
    enabled: entry.enabled,
    parentCode: entry.parentCode || null,
    createdAt: entry.audit?.createTime?.toISOString() ?? '',
    createdBy: entry.audit?.createdBy ?? '',
    updatedAt: entry.audit?.updateTime?.toISOString() ?? '',
    updatedBy: entry.audit?.updatedBy ?? '',
  };
}

const MASK_PATHS: Record<keyof UpdateBaseDataJson, string> = {
  name: 'name',
  nameEn: 'name_en',
  sortOrder: 'sort_order',
  enabled: 'enabled',
};

function updateRequest(kind: BaseDataKindJson, code: string, body: UpdateBaseDataJson): baseDataV1.UpdateBaseDataEntryRequest {
  return baseDataV1.UpdateBaseDataEntryRequest.fromPartial({
    kind: KINDS[kind],
    code,
    entry: { name: body.name ?? '', nameEn: body.nameEn ?? '', sortOrder: body.sortOrder ?? 0, enabled: body.enabled ?? false },
    updateMask: (Object.keys(MASK_PATHS) as (keyof UpdateBaseDataJson)[])
      .filter((field) => field in body)
      .map((field) => MASK_PATHS[field]),
  });
}

export function baseDataRoutes(api: ApiRouter, client: baseDataV1.BaseDataServiceClient): void {
  // Declared before POST /base-data/{kind}, which would otherwise take "import" for a kind.
  api.add({
    method: 'post',
    path: '/base-data/import',
    operationId: 'importBaseData',
    summary: 'Create or update base data from CSV (kind,code,name,name_en,sort,parent_code), all or nothing',
    tag: 'Base data',
    permission: ['admin', 'import'],
    query: ImportQuery,
    textBody: {
      mediaTypes: ['text/csv', 'text/plain'],
      limit: CSV_BODY_LIMIT,
      description:
        'UTF-8 with or without a byte order mark (or the charset named in Content-Type, e.g. GB18030); a header line naming the columns; RFC 4180 quoting. An existing kind + code is updated, any other line creates an entry.',
    },
    // lines[<n>].<column>: the columns are named by the CSV's header row.
    fieldNames: { lines: null },
    responses: {
      200: { description: 'Imported (or, with dryRun, checked): counts of the lines.', schema: ImportResult },
      400: problem('Nothing was imported: violations name each bad line as lines[<line number>].<column>, the header being line 1.'),
      413: problem('The file is larger than 2 MB.'),
      415: problem('The body is not text/csv.'),
    },
    async handler({ query, call, req, res }) {
      const csv = typeof req.body === 'string' ? req.body : '';
      if (!csv.trim())
        throw new HttpProblem(400, 'validation_failed', 'the CSV is empty', [
          { field: 'body', message: 'send the CSV text, starting with its header line' },
        ]);
      const response = await call(
        client,
        'importBaseData',
        { csv, dryRun: query.dryRun === 'true' },
        { deadline: Date.now() + IMPORT_DEADLINE_MS },
      );
      res.json(response);
    },
  });

  api.add({
    method: 'get',
    path: '/regions',
    operationId: 'listRegions',
    summary: 'The provinces with their cities (省市), in sort order',
    tag: 'Base data',
    permission: ['customer', 'read'],
    query: ListRegionsQuery,
    responses: { 200: { description: 'The region tree.', schema: RegionList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listRegions', { includeDisabled: query.includeDisabled === 'true' });
      res.json({
        items: response.provinces.map((tree) => ({ province: entryToJson(tree.province!), cities: tree.cities.map(entryToJson) })),
      });
    },
  });

  api.add({
    method: 'get',
    path: '/base-data/{kind}',
    operationId: 'listBaseData',
    summary: 'The entries of one kind of base data, in sort order',
    tag: 'Base data',
    permission: ['customer', 'read'],
    params: KindParams,
    query: ListBaseDataQuery,
    responses: { 200: { description: 'The entries.', schema: BaseDataList }, 400: problem('Invalid kind or query.') },
    async handler({ params, query, call, res }) {
      const request = baseDataV1.ListBaseDataEntriesRequest.fromPartial({
        kind: KINDS[params.kind],
        includeDisabled: query.includeDisabled === 'true',
        parentCode: query.parentCode ?? '',
      });
      const response = await call(client, 'listBaseDataEntries', request);
      res.json({ items: response.entries.map(entryToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/base-data/{kind}',
    operationId: 'createBaseData',
    summary: 'Add an entry to one kind of base data (administrators)',
    tag: 'Base data',
    permission: ['admin', 'create'],
    params: KindParams,
    body: CreateBaseDataBody,
    responses: {
      201: { description: 'Created.', schema: BaseDataEntry },
      400: problem('Invalid body, or a city whose province does not exist.'),
      409: problem('The code (code_taken) or the name (name_taken) is taken.'),
    },
    async handler({ params, body, call, req, res }) {
      const entry = baseDataV1.BaseDataEntry.fromPartial({
        kind: KINDS[params.kind],
        code: body.code,
        name: body.name,
        nameEn: body.nameEn ?? '',
        sortOrder: body.sortOrder ?? 0,
        parentCode: body.parentCode ?? '',
      });
      const response = await call(client, 'createBaseDataEntry', { entry });
      const created = entryToJson(response.entry!);
      res
        .status(201)
        .location(`${req.baseUrl}/base-data/${created.kind}/${encodeURIComponent(created.code)}`)
        .json(created);
    },
  });

  api.add({
    method: 'patch',
    path: '/base-data/{kind}/{code}',
    operationId: 'updateBaseData',
    summary: 'Rename, re-sort, enable or disable an entry (administrators)',
    tag: 'Base data',
    permission: ['admin', 'update'],
    params: EntryParams,
    body: UpdateBaseDataBody,
    responses: {
      200: { description: 'The entry.', schema: BaseDataEntry },
      404: problem('No such entry.'),
      409: problem('The name is used by customers (in_use) or taken by another entry (name_taken).'),
    },
    async handler({ params, body, call, res }) {
      const response = await call(client, 'updateBaseDataEntry', updateRequest(params.kind, params.code, body));
      res.json(entryToJson(response.entry!));
    },
  });

  api.add({
    method: 'delete',
    path: '/base-data/{kind}/{code}',
    operationId: 'deleteBaseData',
    summary: 'Delete an entry no customer uses (administrators); disable one in use instead',
    tag: 'Base data',
    permission: ['admin', 'delete'],
    params: EntryParams,
    responses: {
      204: { description: 'Deleted.' },
      400: problem('Invalid kind.'),
      404: problem('No such entry.'),
      409: problem('Customers use the entry (in_use), or a province still has cities (has_cities).'),
    },
    async handler({ params, call, res }) {
      await call(client, 'deleteBaseDataEntry', { kind: KINDS[params.kind], code: params.code });
      res.status(204).end();
    },
  });
}
