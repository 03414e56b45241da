import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * The last `count` lines of a file, read backwards from its end in chunks, so the cost follows
 * the lines asked for and not the file's size (a 1 GB log costs what a 1 MB one does). A missing
 * file has no lines.
 */
export async function readLastLines(path: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const file = await open(path, 'r').catch(() => null);
  if (!file) return [];
  try {
    const { size } = await file.stat();
    const chunks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    // One newline more than lines wanted: the one ending the line before the first we keep.
    while (position > 0 && newlines <= count) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await file.read(chunk, 0, length, position);
      chunks.unshift(chunk);
      for (let i = 0; i < length; i += 1) if (chunk[i] === 10) newlines += 1;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // the file's final newline ends a line
    return lines.slice(-count).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  } finally {
    await file.close();
  }
}
