import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = path.join(ROOT, 'docs');
const MAX_PAGE_BYTES = 15 * 1024;

const pages = fs
  .readdirSync(DOCS, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.md'))
  .map((file) => path.join(DOCS, file));

/** GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

describe('docs/', () => {
  test('no page is over 15 KB', () => {
    const sizes = pages.map((file) => ({ page: path.relative(ROOT, file), bytes: fs.statSync(file).size }));
    expect(sizes.filter(({ bytes }) => bytes > MAX_PAGE_BYTES)).toEqual([]);
    expect(sizes.length).toBeGreaterThan(10);
  });

  test("every link between the pages (and the README's) reaches a page and a heading that exist", () => {
    const broken: string[] = [];
    for (const file of [...pages, path.join(ROOT, 'README.md')]) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
        const [linkPath, anchor] = target!.split('#') as [string, string | undefined];
        const linked = linkPath ? path.resolve(path.dirname(file), linkPath) : file;
        const where = `${path.relative(ROOT, file)} → ${target}`;
        if (!fs.existsSync(linked)) broken.push(`${where}: no such file`);
        else if (anchor && linked.endsWith('.md') && !anchorsOf(linked).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
