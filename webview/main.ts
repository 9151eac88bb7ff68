/**
 * Entry of the webview bundle: starts the view named by the page's `data-view`.
 */
import { startCatalogView } from './catalogView.js';

const root = document.getElementById('app');
const view = document.body.dataset.view;
if (root !== null) {
  if (view === 'catalog') startCatalogView(root);
  else root.textContent = `Loss Lens: unknown view "${view ?? ''}"`;
}
