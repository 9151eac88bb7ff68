/**
 * The Loss Lens language server (IPC, started by the extension for Python documents).
 * Hover: the catalog's documentation for the loss API under the cursor.
 */
import { createConnection, type Hover, MarkupKind, ProposedFeatures, TextDocumentSyncKind, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { referenceAt } from '../analysis/references.js';
import { entryMarkdown } from '../catalog/markdown.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
  },
  serverInfo: { name: 'Loss Lens' },
}));

connection.onHover((params): Hover | null => {
  const document = documents.get(params.textDocument.uri);
  if (document === undefined) return null;
  const text = document.getText();
  const reference = referenceAt(text, document.offsetAt(params.position));
  if (reference === undefined) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: entryMarkdown(reference.entry, { compact: false }) },
    range: { start: document.positionAt(reference.start), end: document.positionAt(reference.end) },
  };
});

documents.listen(connection);
connection.listen();
