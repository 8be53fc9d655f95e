import { Readable, pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { CsvError, Parser, type Options } from 'csv-parse';

// A CSV upload as records, a chunk at a time so that a million-row file never sits in memory:
// the bytes are decoded here and parsed by csv-parse. Chinese Excel saves CSV as GB18030 (GBK)
// unless told otherwise, so the encoding is either given or detected from the first bytes.

export type CsvEncoding = 'utf-8' | 'gb18030';

export class CsvFormatError extends Error {}

/** A record with its 1-based number in the file, as spreadsheet programs number rows. */
export interface CsvRecord {
  rowNo: number;
  cells: string[];
}

const PARSE_OPTIONS: Options = {
  // Files saved by hand or joined from several sources mix line ends; csv-parse would otherwise
  // keep the first one it sees. CRLF comes first so that it ends one record, not two.
  record_delimiter: ['\r\n', '\n', '\r'],
  // Empty lines stay records: they count when a user looks for a row number in a spreadsheet.
  skip_empty_lines: false,
  // A row with missing or extra cells, or a stray quote, is the row checker's business (it
  // reports per row) rather than a reason to refuse the whole file.
  relax_column_count: true,
  relax_quotes: true,
  // A record longer than this is not a customer row but a broken file (an unclosed quote).
  max_record_size: 1_000_000,
};

// Enough records per batch for the stager's round trips, few enough to keep memory flat.
const MAX_BATCH = 5_000;

/** 'utf-8' or 'gb18030' for a requested encoding name; undefined for one we cannot read. */
export function encodingOf(requested: string): CsvEncoding | undefined {
  const name = requested.trim().toLowerCase().replace(/_/g, '-');
  if (['utf-8', 'utf8'].includes(name)) return 'utf-8';
  if (['gb18030', 'gbk', 'gb2312', 'cp936'].includes(name)) return 'gb18030';
  return undefined;
}

/** UTF-8 when the sample is valid UTF-8 (a sequence cut at its end is fine), else GB18030. */
export function detectEncoding(sample: Uint8Array): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/**
 * Records of a CSV byte stream, in batches. The encoding is detected from the first chunk unless
 * given; `onEncoding` learns which one was used. A UTF-8 byte order mark is dropped. A file that
 * cannot be read fails with a CsvFormatError saying why.
 */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  requested: CsvEncoding | undefined,
  onEncoding: (encoding: CsvEncoding) => void,
): AsyncGenerator<CsvRecord[]> {
  const parser = new Parser(PARSE_OPTIONS);
  // Any failure, the decoder's included, destroys the parser and so reaches the loop below.
  pipeline(Readable.from(decode(chunks, requested, onEncoding)), parser, () => undefined);
  let rowNo = 0;
  try {
    for await (const first of parser as AsyncIterable<string[]>) {
      // Take what the last chunk produced in one go: one await per batch, not per record.
      const batch: CsvRecord[] = [{ rowNo: ++rowNo, cells: first }];
      let cells: string[] | null;
      while (batch.length < MAX_BATCH && (cells = parser.read() as string[] | null) !== null) batch.push({ rowNo: ++rowNo, cells });
      yield batch;
    }
  } catch (error) {
    throw error instanceof CsvError ? explain(error) : error;
  }
}

async function* decode(
  chunks: AsyncIterable<Uint8Array>,
  requested: CsvEncoding | undefined,
  onEncoding: (encoding: CsvEncoding) => void,
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (!decoder) {
      const encoding = requested ?? detectEncoding(chunk);
      onEncoding(encoding);
      decoder = new TextDecoder(encoding, { fatal: true });
    }
    const text = decodeOrExplain(decoder, chunk, bytesRead);
    bytesRead += chunk.byteLength;
    if (text) yield text;
  }
  const rest = decoder ? decodeOrExplain(decoder, undefined, bytesRead) : '';
  if (rest) yield rest;
}

function decodeOrExplain(decoder: TextDecoder, chunk: Uint8Array | undefined, offset: number): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    throw new CsvFormatError(`the file is not valid ${decoder.encoding} (near byte ${offset}); save it as UTF-8 or name its encoding`);
  }
}

// csv-parse's messages speak of its options and count physical lines; ours name the row the way
// the rest of the import does.
function explain(error: CsvError): CsvFormatError {
  const rowNo = Number(error.records ?? 0) + 1;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return new CsvFormatError(`the file ends inside a quoted field that opens in row ${rowNo}`);
  if (error.code === 'CSV_MAX_RECORD_SIZE') return new CsvFormatError(`row ${rowNo} never ends: is a quote left open?`);
  return new CsvFormatError(`the file is not valid CSV near row ${rowNo}: ${error.message}`);
}
