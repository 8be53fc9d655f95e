import type { IHeaders } from 'kafkajs';

export const PROTOBUF_CONTENT_TYPE = 'application/protobuf';

/** The CloudEvents context attributes Liaison sets on every event. */
export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  time: Date;
  subject?: string;
  dataschema?: string;
}

/**
 * Kafka headers for the CloudEvents Kafka protocol binding in binary mode: attributes as
 * `ce_*` headers, the payload as the record value. Extension headers (W3C `traceparent` /
 * `tracestate`, which is also how the CloudEvents tracing extension is named) go first so
 * that they can never overwrite a `ce_*` attribute.
 */
export function cloudEventHeaders(attributes: CloudEventAttributes, extensions: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    ...extensions,
    'ce_specversion': '1.0',
    'ce_id': attributes.id,
    'ce_source': attributes.source,
    'ce_type': attributes.type,
    'ce_time': attributes.time.toISOString(),
    'content-type': PROTOBUF_CONTENT_TYPE,
  };
  if (attributes.subject) headers.ce_subject = attributes.subject;
  if (attributes.dataschema) headers.ce_dataschema = attributes.dataschema;
  return headers;
}

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** Kafka header values arrive as Buffers; everything Liaison puts there is UTF-8 text. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) result[name] = text;
  }
  return result;
}

export type ParsedCloudEvent = { ok: true; attributes: CloudEventAttributes } | { ok: false; reason: string };

/**
 * Reads the `ce_*` headers back. `ce_time` is optional in CloudEvents, so the Kafka record
 * timestamp stands in for it; an id and a type are what every consumer needs to act at all.
 */
export function parseCloudEventHeaders(headers: Record<string, string>, recordTime: Date): ParsedCloudEvent {
  const { ce_specversion: specversion, ce_id: id, ce_type: type } = headers;
  if (specversion !== undefined && !specversion.startsWith('1.')) return { ok: false, reason: `unsupported ce_specversion ${specversion}` };
  if (!id) return { ok: false, reason: 'missing ce_id header' };
  if (!type) return { ok: false, reason: 'missing ce_type header' };
  const time = headers.ce_time === undefined ? recordTime : new Date(headers.ce_time);
  if (Number.isNaN(time.getTime())) return { ok: false, reason: `invalid ce_time ${headers.ce_time}` };
  const attributes: CloudEventAttributes = { id, type, source: headers.ce_source ?? '', time };
  if (headers.ce_subject) attributes.subject = headers.ce_subject;
  if (headers.ce_dataschema) attributes.dataschema = headers.ce_dataschema;
  return { ok: true, attributes };
}
