import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../backend/src/', import.meta.url));

/**
 * The import graph of backend/src: file → the backend files it names in an import, an
 * `import type`, an `export … from` or a dynamic `import()` (TypeScript's own pre-parser reads
 * them, so a specifier in a comment or a string does not count). Paths relative to backend/src.
 */
export function importGraph(root: string): Map<string, string[]> {
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(path.sep).join('/'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)))
      .filter((target) => !target.startsWith('..'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle of imports (Tarjan's strongly connected components), each as `a → b → … → a`. */
export function importCycles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) cycles.push(pathThrough(graph, new Set(component), node));
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** One concrete circle through `start` inside its component, for the failure message. */
function pathThrough(graph: Map<string, string[]>, component: Set<string>, start: string): string {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const circle = [start];
        for (let at = node; at !== start; at = previous.get(at)!) circle.splice(1, 0, at);
        return [...circle, start].join(' → ');
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return start;
}

describe('the imports of backend/src', () => {
  test('no two files import each other, directly or in a circle', () => {
    expect(importCycles(importGraph(SRC))).toEqual([]);
  });

  test('the check names a circle of three files and a pair, and passes a chain', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', ['d.ts']],
      ['f.ts', ['a.ts']],
    ]);
    expect(importCycles(graph).sort()).toEqual(['a.ts → b.ts → c.ts → a.ts', 'd.ts → e.ts → d.ts']);
    expect(
      importCycles(
        new Map([
          ['x.ts', ['y.ts']],
          ['y.ts', []],
        ]),
      ),
    ).toEqual([]);
  });

  test('the graph sees type imports and re-exports', () => {
    const graph = importGraph(SRC);
    expect(graph.get('fathom/connection/credentials.ts')).toContain('fathom/connection/types.ts');
    // The Fathom connection's shared types import nothing of the files that use them.
    expect(graph.get('fathom/connection/types.ts')!.filter((file) => file.startsWith('fathom/connection/'))).toEqual(
      [],
    );
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });
});
