/** @module What a database reader returns: the header blobs it found, or why the file is not one it reads. */

export type BlobsResult = { ok: true; blobs: Uint8Array[] } | { ok: false; reason: string };
