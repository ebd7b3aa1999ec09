// [H18.11] Comments and docs point to files of this repository that exist: a reference to a file that
// is not here (a design note kept elsewhere, a file since renamed) is a claim nobody can check.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((f) => /\.(ts|tsx|mjs|md|sh|yaml)$/.test(f) && existsSync(join(ROOT, f)));

/** A repository path as code and docs write it: `server/probe/shard-plan.ts`, `docs/LAB.md`. */
const PATH =
  /(?<![\w./-])((?:server|client|shared|scripts|tests|docs|bench|config|bin)\/[\w./-]*\w\.(?:ts|tsx|mjs|md|sh|yaml|json))\b/g;
/** A relative Markdown link: `[LAB.md](LAB.md#ownership)`. */
const LINK = /\]\(((?!https?:|#|mailto:)[^)\s#]+)(?:#[^)]*)?\)/g;
/** Files that live outside the repository and must not be cited as if they were here. */
const OUTSIDE = /(?<![\w/])(DESIGN\.md|STYLE\.md)\b/g;

describe('references to files', () => {
  it('[H18.11] every repository path named in code, tests and docs exists', () => {
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(PATH)) {
        // Globs and templates name no one file.
        if (/[*{}$<>]/.test(m[1]!)) continue;
        if (!existsSync(join(ROOT, m[1]!))) missing.push(`${f}: ${m[1]}`);
      }
      if (f.endsWith('.md')) {
        for (const m of text.matchAll(LINK)) {
          const target = normalize(join(dirname(f), m[1]!));
          if (!existsSync(join(ROOT, target))) missing.push(`${f}: link ${m[1]}`);
        }
      }
      for (const m of text.matchAll(OUTSIDE)) {
        if (!existsSync(join(ROOT, dirname(f), m[1]!))) missing.push(`${f}: ${m[1]} (not in the repository)`);
      }
    }
    expect(missing).toEqual([]);
  });
});
