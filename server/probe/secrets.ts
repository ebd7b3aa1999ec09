// A codec's password is never in the inventory: the target names where it lives (shared/schemas.ts
// SecretRef), an environment variable or a file of secrets, and this reads it when a login needs it.
// Errors name the reference (variable, file, key), never the value nor a line of the file, since a
// YAML parser's message quotes the text around the fault. A file is re-read when it changes, so a
// rotated password is picked up without a restart.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import type { SecretRef } from '../../shared/schemas';
import { words, type Words } from '../../shared/words';
import { UserError } from '../errors';

/** Larger than any sane file of passwords; refusing it keeps a wrong path (a log, a dump) out of memory. */
const MAX_FILE_BYTES = 64 * 1024;

export interface SecretOptions {
  /** The process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** Where a relative `file` is found (the config file's folder); the working directory by default. */
  baseDir?: string;
}

/** A reference that does not resolve. Its words name the reference, never the secret. */
export class SecretError extends UserError {
  constructor(
    readonly ref: string,
    said: Words,
  ) {
    super(said);
    this.name = 'SecretError';
  }
}

/** `env DIEMCAU_POLY_PASS`, `file /etc/diemcau/codecs.yaml, key ht-01`: how errors and logs name a reference. */
export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `env ${ref.env}`;
  return ref.key === undefined ? `file ${ref.file}` : `file ${ref.file}, key ${ref.key}`;
}

interface CachedFile {
  /** Changes on every rewrite, also one within the same mtime tick (size, inode of a renamed-in copy). */
  stamp: string;
  text: string;
  /** Parsed lazily: a file read without a key is never parsed. */
  map?: Map<string, unknown>;
}

const files = new Map<string, CachedFile>();

const fail = (ref: SecretRef, vi: string, en: string): SecretError => {
  const name = describeSecretRef(ref);
  return new SecretError(name, words(`Mật khẩu thiết bị (${name}): ${vi}`, `Codec password (${name}): ${en}`));
};

async function readCached(ref: SecretRef & { file: string }, path: string): Promise<CachedFile> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw fileError(ref, err);
  }
  if (!st.isFile()) throw fail(ref, 'không phải là tệp', 'is not a regular file');
  if (st.size > MAX_FILE_BYTES)
    throw fail(ref, `tệp lớn hơn ${MAX_FILE_BYTES / 1024} KiB`, `file larger than ${MAX_FILE_BYTES / 1024} KiB`);
  const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const cached = files.get(path);
  if (cached?.stamp === stamp) return cached;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fileError(ref, err);
  }
  const entry: CachedFile = { stamp, text };
  files.set(path, entry);
  return entry;
}

function fileError(ref: SecretRef, err: unknown): SecretError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return fail(ref, 'không tìm thấy tệp', 'file not found');
  if (code === 'EACCES' || code === 'EPERM') return fail(ref, 'không có quyền đọc tệp', 'permission denied');
  return fail(ref, `không đọc được tệp (${code ?? 'lỗi'})`, `cannot read the file (${code ?? 'error'})`);
}

function parseMap(ref: SecretRef, text: string): Map<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0, prettyErrors: false });
  } catch (err) {
    // The parser's own message quotes the file: only the line number may be shown.
    const line = err instanceof YAMLParseError ? err.linePos?.[0]?.line : undefined;
    const at = line === undefined ? '' : ` (dòng ${line})`;
    const atEn = line === undefined ? '' : ` (line ${line})`;
    throw fail(ref, `tệp không phải YAML/JSON hợp lệ${at}`, `the file is not valid YAML/JSON${atEn}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw fail(ref, 'tệp phải là một bảng khóa → mật khẩu', 'the file must be a map of key → password');
  return new Map(Object.entries(doc));
}

/**
 * The secret a reference points to. `{ env }`: the variable's value; `{ file, key }`: the key's entry in
 * the file's YAML/JSON map; `{ file }`: the whole file, trimmed. Rejects with a SecretError.
 */
export async function resolveSecret(ref: SecretRef, opts: SecretOptions = {}): Promise<string> {
  if ('env' in ref) {
    const value = (opts.env ?? process.env)[ref.env];
    if (value === undefined) throw fail(ref, 'biến môi trường chưa được đặt', 'environment variable is not set');
    if (value.trim() === '') throw fail(ref, 'biến môi trường rỗng', 'environment variable is empty');
    return value;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(opts.baseDir ?? process.cwd(), ref.file);
  const file = await readCached(ref, path);
  if (ref.key === undefined) {
    const value = file.text.trim();
    if (value === '') throw fail(ref, 'tệp rỗng', 'the file is empty');
    return value;
  }
  file.map ??= parseMap(ref, file.text);
  if (!file.map.has(ref.key)) throw fail(ref, 'không có khóa này trong tệp', 'no such key in the file');
  const value = file.map.get(ref.key);
  // A YAML number loses leading zeros (0123 → 123): refuse it instead of logging in with the wrong password.
  if (typeof value !== 'string')
    throw fail(
      ref,
      'giá trị phải là chuỗi (hãy đặt mật khẩu trong dấu nháy)',
      'the value must be a string (quote the password)',
    );
  if (value.trim() === '') throw fail(ref, 'mật khẩu rỗng', 'the password is empty');
  return value;
}
