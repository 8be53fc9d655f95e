import { TextDecoder } from 'node:util';

// Streaming RFC 4180 reader: bytes in, records out, a chunk at a time so that a million-row file
// never sits in memory. Quoted fields may hold commas, quotes ("") and line breaks; CRLF, LF and
// CR all end a record. Chinese Excel saves CSV as GB18030 (GBK) unless told otherwise, so the
// encoding is either given or detected from the first bytes.

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
// A record longer than this is not a customer row but a broken file (an unclosed quote).
const MAX_RECORD_CHARS = 1_000_000;

export type CsvEncoding = 'utf-8' | 'gb18030';

export class CsvFormatError extends Error {}

/** A record with its 1-based number in the file, as spreadsheet programs number rows. */
export interface CsvRecord {
  rowNo: number;
  cells: string[];
}

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

/** Splits text into records across chunk boundaries; feed with push, finish with end. */
export class CsvParser {
  private carry = '';
  private nextRowNo = 1;

  push(text: string): CsvRecord[] {
    const input = this.carry + text;
    const { records, rest } = this.parse(input, false);
    this.carry = input.slice(rest);
    if (this.carry.length > MAX_RECORD_CHARS) throw new CsvFormatError(`row ${this.nextRowNo} never ends: is a quote left open?`);
    return records;
  }

  end(): CsvRecord[] {
    const { records } = this.parse(this.carry, true);
    this.carry = '';
    return records;
  }

  // Returns the complete records and where the first incomplete one starts.
  private parse(text: string, final: boolean): { records: CsvRecord[]; rest: number } {
    const records: CsvRecord[] = [];
    const n = text.length;
    let i = 0;
    let recordStart = 0;
    let cells: string[] = [];
    while (i < n) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const quoted = readQuoted(text, i, final);
        if (!quoted) return { records, rest: recordStart };
        [value, i] = quoted;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j += 1;
        }
        if (j === n && !final) return { records, rest: recordStart };
        value = text.slice(i, j);
        i = j;
      }
      cells.push(value);
      if (i === n) break;
      const c = text.charCodeAt(i);
      i += 1;
      if (c === COMMA) {
        if (i === n && final) cells.push('');
        continue;
      }
      if (c === CR && i < n && text.charCodeAt(i) === LF) i += 1;
      else if (c === CR && i === n && !final) return { records, rest: recordStart };
      records.push({ rowNo: this.nextRowNo++, cells });
      cells = [];
      recordStart = i;
    }
    if (final && cells.length > 0) records.push({ rowNo: this.nextRowNo++, cells });
    return { records, rest: final ? n : recordStart };
  }
}

// A quoted field from its opening quote: [value, index after it], or undefined when the text
// ends before the field does. Characters between the closing quote and the next separator are
// kept (lenient, like Excel) rather than failing the whole file.
function readQuoted(text: string, start: number, final: boolean): [string, number] | undefined {
  const n = text.length;
  let value = '';
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) {
      if (final) throw new CsvFormatError('the file ends inside a quoted field');
      return undefined;
    }
    if (quote + 1 === n && !final) return undefined;
    if (text.charCodeAt(quote + 1) === QUOTE) {
      value += text.slice(from, quote + 1);
      from = quote + 2;
      continue;
    }
    value += text.slice(from, quote);
    let end = quote + 1;
    while (end < n) {
      const c = text.charCodeAt(end);
      if (c === COMMA || c === LF || c === CR) break;
      end += 1;
    }
    if (end === n && !final) return undefined;
    return [value + text.slice(quote + 1, end), end];
  }
}

/**
 * Records of a CSV byte stream. The encoding is detected from the first chunk unless given;
 * `onEncoding` learns which one was used. A UTF-8 byte order mark is dropped.
 */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  requested: CsvEncoding | undefined,
  onEncoding: (encoding: CsvEncoding) => void,
): AsyncGenerator<CsvRecord[]> {
  let decoder: TextDecoder | undefined;
  const parser = new CsvParser();
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (!decoder) {
      const encoding = requested ?? detectEncoding(chunk);
      onEncoding(encoding);
      decoder = new TextDecoder(encoding, { fatal: true });
    }
    const text = decodeOrExplain(decoder, chunk, bytesRead);
    bytesRead += chunk.byteLength;
    const records = parser.push(text);
    if (records.length > 0) yield records;
  }
  if (decoder) parser.push(decodeOrExplain(decoder, undefined, bytesRead));
  const last = parser.end();
  if (last.length > 0) yield last;
}

function decodeOrExplain(decoder: TextDecoder, chunk: Uint8Array | undefined, offset: number): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    throw new CsvFormatError(`the file is not valid ${decoder.encoding} (near byte ${offset}); save it as UTF-8 or name its encoding`);
  }
}
