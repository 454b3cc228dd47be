import { createReadStream } from 'node:fs';

/** One line of an NDJSON file: its text and where its bytes are (a resumed import starts at such an offset). */
export interface NdjsonLine {
  /** 1-based line number in the file. */
  number: number;
  /** Byte offset of its first byte, and of the byte after its newline. */
  start: number;
  end: number;
  text: string;
}

/**
 * The lines of a file from byte `offset` on (a line boundary), with exact byte offsets: split on `\n` bytes, never on
 * characters, so that offsets count what is on disk whatever the encoding. A trailing `\r` is dropped; blank lines
 * are skipped. Reads the file as a stream: a file of any size costs one chunk of memory plus one line.
 */
export async function* ndjsonLines(path: string, offset = 0, firstNumber = 1): AsyncGenerator<NdjsonLine> {
  let pending: Buffer[] = [];
  let pendingStart = offset;
  let position = offset;
  let number = firstNumber;
  for await (const chunk of createReadStream(path, { start: offset })) {
    const bytes = chunk as Buffer;
    let from = 0;
    for (let newline = bytes.indexOf(10, from); newline >= 0; newline = bytes.indexOf(10, from)) {
      pending.push(bytes.subarray(from, newline));
      const end = position + newline + 1;
      const line = lineOf(Buffer.concat(pending), number++, pendingStart, end);
      if (line) yield line;
      pending = [];
      pendingStart = end;
      from = newline + 1;
    }
    if (from < bytes.length) pending.push(bytes.subarray(from));
    position += bytes.length;
  }
  const last = lineOf(Buffer.concat(pending), number, pendingStart, position);
  if (last) yield last;
}

function lineOf(bytes: Buffer, number: number, start: number, end: number): NdjsonLine | undefined {
  const text = bytes.toString('utf8').replace(/\r$/, '');
  return text.trim() === '' ? undefined : { number, start, end, text };
}
