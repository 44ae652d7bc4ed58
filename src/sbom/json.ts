/** @module Small guards for reading untrusted JSON without `any`. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecords(value: unknown): JsonRecord[] {
  return asArray(value).filter(isRecord);
}

/** Serialises with 2-space indentation and a final newline. Key order is the order objects were built in. */
export function stringifyDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A non-negative integer written as decimal digits, or undefined. */
export function parseIndex(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
