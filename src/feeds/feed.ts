/** @module What every feed module declares: its name, its specification, and how to recognise a local copy of it by content. */

/** The first bytes of a local feed, decompressed when gzip, as detectFeed hands them to each feed. */
export type FeedSample =
  | { kind: 'folder' }
  | { kind: 'zip' }
  /** `text` is the (decompressed) start of the file; `complete` when it is all of it. */
  | { kind: 'text'; text: string; complete: boolean; extension: string; gzip: boolean };

export interface Feed {
  /** Equals the folder name under src/feeds/. */
  name: 'osv' | 'nvd' | 'kev' | 'epss';
  /** Where the format is specified. */
  spec: string;
  recognises(sample: FeedSample): boolean;
}

/** Parses a sample's text as JSON when it is the whole file; undefined when it is cut or not JSON. */
export function sampleJson(sample: FeedSample): unknown {
  if (sample.kind !== 'text' || !sample.complete) return undefined;
  try {
    return JSON.parse(sample.text);
  } catch {
    return undefined;
  }
}

/** True when the sample text opens like JSON (an object or an array). */
export function looksLikeJson(sample: FeedSample): sample is Extract<FeedSample, { kind: 'text' }> {
  return sample.kind === 'text' && /^[[{]/.test(sample.text.trimStart());
}
