/** @module Stateful findings: the lifecycle (reconcile), the Vigil score, Inspector's filter criteria, sorting and cursors. @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_FilterCriteria.html */
export * from './model.js';
export { bodyDigest } from './body-digest.js';
export { vigilScore, KEV_RAISE, type VigilScore, type VigilScoreContext } from './vigil-score.js';
export {
  reconcileFindings,
  indexScan,
  bodiesToLoad,
  observedByScan,
  closeAllForDeletedResource,
  reevaluateSuppression,
  applyChangeSet,
  purgeable,
  DEFAULT_REOPEN_WINDOW_DAYS,
  DEFAULT_RETENTION,
  type ChangeSet,
  type ReconcileInput,
  type ScanIndex,
  type RetentionPolicy,
  type SuppressionRule,
} from './reconcile.js';
export {
  parseCriteria,
  compileCriteria,
  packageParts,
  MAX_ENTRIES_PER_KEY,
  MAX_STRING_LENGTH,
  type CompileOptions,
  type CriteriaError,
  type DateFilter,
  type FilterCriteria,
  type FindingPredicate,
  type MapFilter,
  type NumberFilter,
  type PackageFilter,
  type ParseCriteriaResult,
  type StringComparison,
  type StringFilter,
} from './criteria.js';
export {
  sortFindings,
  sortValue,
  encodeCursor,
  decodeCursor,
  pageFindings,
  sortFields,
  DEFAULT_SORT,
  MAX_PAGE_SIZE,
  type Cursor,
  type SortCriteria,
  type SortField,
  type SortOrder,
  type TokenError,
} from './sort.js';
