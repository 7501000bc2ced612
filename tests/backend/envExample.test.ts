import fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { ENV_NAMES, envDefaults } from '../../backend/src/config.ts';

const example = fs.readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
// `# NAME=value` (a default left commented out) or `NAME=value`.
const entries = [...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]! }));

describe('.env.example', () => {
  test('lists every variable config.ts reads, once, and nothing else', () => {
    expect(entries.map((e) => e.name).sort()).toEqual([...ENV_NAMES].sort());
  });

  test("shows each variable's default as config.ts has it (empty when there is none)", () => {
    const defaults = envDefaults();
    for (const { name, value } of entries) {
      const wanted = defaults[name] === undefined ? '' : String(defaults[name]);
      expect(`${name}=${value}`).toBe(`${name}=${wanted}`);
    }
  });

  test('says what each variable means: a comment right above it or its group', () => {
    const lines = example.split('\n');
    for (const { name } of entries) {
      let index = lines.findIndex((line) => line.replace(/^# /, '').startsWith(`${name}=`));
      while (index > 0 && /^# [A-Z][A-Z0-9_]*=/.test(lines[index - 1]!)) index--;
      expect({ name, above: lines[index - 1] ?? '' }).toEqual({ name, above: expect.stringMatching(/^# \S/) });
    }
  });
});
