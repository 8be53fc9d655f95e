import Module, { createRequire } from 'node:module';
import path from 'node:path';

// exceljs 4.4.0's streaming reader decodes every chunk of a zip entry on its own
// (lib/utils/parse-sax.js calls bufferToString per chunk), so a Chinese character cut in two by
// a chunk boundary turns into U+FFFD: a few in every large Chinese sheet. Imported before
// exceljs, this module puts a parse-sax that decodes across chunks in its place. Drop it once
// exceljs decodes with a streaming TextDecoder itself. (Jest keeps its own module registry, so
// tests put the same fix in place with jest.mock; see test/import-export.int.test.ts.)

type SaxEvent = { eventType: string; value: unknown };
type Saxes = { SaxesParser: new () => { on(event: string, listener: (value: unknown) => void): void; write(text: string): void } };

export function parseSaxAcrossChunks(saxes: Saxes) {
  return async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
    const parser = new saxes.SaxesParser();
    const decoder = new TextDecoder('utf-8');
    let error: unknown;
    let events: SaxEvent[] = [];
    parser.on('error', (err) => {
      error = err;
    });
    for (const eventType of ['opentag', 'text', 'closetag']) parser.on(eventType, (value) => events.push({ eventType, value }));
    for await (const chunk of iterable) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (error) throw error;
      yield events;
      events = [];
    }
  };
}

function installFix(): void {
  const saxPath = path.join(path.dirname(require.resolve('exceljs/package.json')), 'lib', 'utils', 'parse-sax.js');
  if (require.cache[saxPath]) return; // exceljs already loaded (or a test mocked it)
  const fixed = new Module(saxPath);
  fixed.filename = saxPath;
  fixed.loaded = true;
  fixed.exports = parseSaxAcrossChunks(createRequire(saxPath)('saxes') as Saxes);
  require.cache[saxPath] = fixed;
}

installFix();
