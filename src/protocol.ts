/**
 * Every message between the extension host and its webviews, as discriminated unions that
 * both sides import. The webview sends `ready` first; the host answers with its data.
 */
import type { FamilyDoc, LossEntry } from './catalog/types.js';
import type { CurvePlot } from './kernels/curves.js';

/** A catalog entry as the list shows it. */
export interface CatalogListItem {
  id: string;
  framework: LossEntry['framework'];
  kind: LossEntry['kind'];
  family: LossEntry['family'];
  summary: string;
  computed: boolean;
}

export type HostToCatalog =
  | { type: 'catalog'; items: CatalogListItem[]; families: FamilyDoc[]; selected: string | undefined }
  | { type: 'entry'; entry: LossEntry; signature: string; plot: CurvePlot | undefined };

export type CatalogToHost =
  | { type: 'ready' }
  | { type: 'select'; id: string }
  | { type: 'openDocs'; url: string };

/** What the catalog webview persists across reloads (getState / setState and the serializer). */
export interface CatalogViewState {
  selected?: string;
  filter?: string;
}
