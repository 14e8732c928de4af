import KeyvSqlite from '@keyv/sqlite';
import type Keyv from 'keyv';
import type { DeserializedData } from 'keyv';
import type { z } from 'zod';
import { InFlight } from './in-flight.js';

/** Where a record that could not be trusted was found, and why (no values: they may hold tokens). */
export interface BadRecord {
  /** The Keyv namespace (kind), e.g. "tracks". */
  namespace: string;
  /** The key inside the namespace, e.g. "<guildId>:<hash>". */
  key: string;
  /** `json`: not parseable; `schema`: parsed, but not a valid record of its kind. */
  reason: 'json' | 'schema';
  /** For `schema`: the failing paths and issue codes, e.g. "durationS: too_small". */
  issues?: string[];
}

/** Receives each record that was skipped. It must not throw. */
export type BadRecordReporter = (record: BadRecord) => void;

const CORRUPT = Symbol('corrupt record');

/** Keyv serializer for every store: plain JSON, so the SQLite file stays readable. */
export function serializeRecord<Value>(data: DeserializedData<Value>): string {
  return JSON.stringify(data);
}

/**
 * Keyv deserializer that never throws: text that is not a Keyv JSON envelope becomes a marker
 * value that {@link Collection} reports and skips, so that one damaged row cannot break a listing.
 */
export function deserializeRecord<Value>(text: string): DeserializedData<Value> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'value' in parsed) return parsed as DeserializedData<Value>;
  } catch {
    // Reported by the collection that reads it, which knows the key.
  }
  return { value: CORRUPT as Value };
}

/** Rows read per query while scanning a key range. */
const SCAN_PAGE_ROWS = 500;

/**
 * A typed view of one Keyv namespace: every value is validated with `schema` when written (a bad
 * write is a bug and throws) and when read back (a bad row is reported and treated as absent).
 * Keys are `<guildId>:...` by convention, so that a server's records form one key range.
 */
export class Collection<T> {
  readonly namespace: string;

  constructor(
    private readonly keyv: Keyv,
    private readonly schema: z.ZodType<T>,
    private readonly onBadRecord: BadRecordReporter,
    private readonly inFlight: InFlight = new InFlight(),
  ) {
    if (!keyv.namespace) throw new Error('A store collection needs a Keyv namespace');
    this.namespace = keyv.namespace;
  }

  /** The record at `key`, or undefined when absent or invalid (reported). */
  async get(key: string): Promise<T | undefined> {
    const raw: unknown = await this.inFlight.run(() => this.keyv.get(key));
    return raw === undefined ? undefined : this.check(key, raw);
  }

  /**
   * The text stored at `key` (the Keyv JSON envelope, exactly as written), or undefined when
   * absent: one point read and no parsing, so that a caller that keeps parsed records can tell
   * whether the row changed before paying for {@link fromText}. (It skips Keyv's expiry check,
   * which no record needs: {@link set} writes none with a TTL.)
   */
  async text(key: string): Promise<string | undefined> {
    const store: unknown = this.keyv.store;
    const fullKey = `${this.namespace}:${key}`;
    let raw: unknown;
    if (store instanceof KeyvSqlite) raw = await this.inFlight.run(() => store.get(fullKey));
    else if (store instanceof Map) raw = (store as Map<string, unknown>).get(fullKey);
    else throw new Error('Store collections can read text only from @keyv/sqlite or in-memory Keyv stores');
    return typeof raw === 'string' ? raw : undefined;
  }

  /** The record in `text` (as {@link text} returned it for `key`), validated as {@link get} does: undefined (reported) when invalid. */
  fromText(key: string, text: string): T | undefined {
    return this.check(key, deserializeRecord<unknown>(text).value);
  }

  /** The records at `keys`, in order (undefined where absent or invalid). */
  async getMany(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const raws: unknown[] = await this.inFlight.run(() => this.keyv.getMany<unknown>([...keys]));
    return keys.map((key, i) => (raws[i] === undefined ? undefined : this.check(key, raws[i])));
  }

  /** Validates and writes `value`; returns it as stored (schema defaults applied). */
  async set(key: string, value: T): Promise<T> {
    const parsed = this.schema.parse(value);
    await this.inFlight.run(() => this.keyv.set(key, parsed));
    return parsed;
  }

  /** Deletes `key`; true when it existed. */
  delete(key: string): Promise<boolean> {
    return this.inFlight.run(() => this.keyv.delete(key));
  }

  /** Valid records whose key starts with `prefix` (e.g. "<guildId>:"), in key order; bad ones reported. */
  async *entries(prefix: string): AsyncGenerator<[key: string, value: T]> {
    for await (const [key, raw] of this.rawEntries(prefix)) {
      const value = this.check(key, deserializeRecord<unknown>(raw).value);
      if (value !== undefined) yield [key, value];
    }
  }

  /** Valid records whose key starts with `prefix`, collected. */
  async values(prefix: string): Promise<T[]> {
    const values: T[] = [];
    for await (const [, value] of this.entries(prefix)) values.push(value);
    return values;
  }

  /** Every key starting with `prefix`, valid or not (for deletion). */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const [key] of this.rawEntries(prefix)) keys.push(key);
    return keys;
  }

  /** Deletes the given keys; returns how many there were. */
  async deleteKeys(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    await this.inFlight.run(() => this.keyv.deleteMany([...keys]));
    return keys.length;
  }

  /** Deletes every key starting with `prefix` (collected first, so the scan is not disturbed). */
  async deletePrefix(prefix: string): Promise<number> {
    return this.deleteKeys(await this.keys(prefix));
  }

  private check(key: string, raw: unknown): T | undefined {
    if (raw === CORRUPT) {
      this.onBadRecord({ namespace: this.namespace, key, reason: 'json' });
      return undefined;
    }
    const result = this.schema.safeParse(raw);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
    this.onBadRecord({ namespace: this.namespace, key, reason: 'schema', issues });
    return undefined;
  }

  /** Raw rows of one key range, keys without the namespace. */
  private async *rawEntries(prefix: string): AsyncGenerator<[string, string]> {
    const store: unknown = this.keyv.store;
    const fullPrefix = `${this.namespace}:${prefix}`;
    const strip = (fullKey: string): string => fullKey.slice(this.namespace.length + 1);
    if (store instanceof KeyvSqlite) {
      for await (const [key, value] of scanSqlite(store, fullPrefix, this.inFlight)) yield [strip(key), value];
    } else if (store instanceof Map) {
      // Keyv's in-memory store, for callers that want no file.
      const rows = [...(store as Map<string, unknown>)].filter(([key]) => key.startsWith(fullPrefix));
      rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key, value] of rows) if (typeof value === 'string') yield [strip(key), value];
    } else {
      throw new Error('Store collections can scan only @keyv/sqlite or in-memory Keyv stores');
    }
  }
}

/**
 * Rows whose key starts with `prefix`, as a range on the primary key (`prefix <= key < end`)
 * read in pages by key (keyset pagination): SQLite walks only this range of its index, never
 * other servers' rows, and deletions between pages skip nothing. (The adapter's own iterator
 * uses a case-insensitive `LIKE` with `OFFSET`, which scans the whole table.)
 */
async function* scanSqlite(store: KeyvSqlite, prefix: string, inFlight: InFlight): AsyncGenerator<[string, string]> {
  const table = store.opts.table ?? 'keyv';
  const end = prefixEnd(prefix);
  let after = prefix;
  let inclusive = true;
  for (;;) {
    const start = after;
    const sql = rangeScanSql(table, inclusive);
    const rows = (await inFlight.run(() => store.query(sql, start, end, SCAN_PAGE_ROWS))) as { key: string; value: string }[];
    for (const row of rows) yield [row.key, row.value];
    const last = rows.at(-1);
    if (rows.length < SCAN_PAGE_ROWS || last === undefined) return;
    after = last.key;
    inclusive = false;
  }
}

/** One page of a key-range scan; parameters: start key, end key (exclusive), row limit. */
export function rangeScanSql(table: string, inclusiveStart: boolean): string {
  return `SELECT key, value FROM ${table} WHERE key ${inclusiveStart ? '>=' : '>'} ? AND key < ? ORDER BY key LIMIT ?`;
}

/** The least string greater than every string that starts with `prefix` (ASCII prefixes). */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (prefix.length === 0 || last >= 0x7f) throw new Error(`Cannot scan by the prefix ${JSON.stringify(prefix)}`);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
