/**
 * The loss catalog view: a filterable list of every catalogued loss API on the left, the
 * selected API's documentation and kernel-computed loss curve on the right.
 */
import type { FamilyDoc, LossEntry } from '../src/catalog/types.js';
import type { CatalogListItem, CatalogToHost, CatalogViewState, HostToCatalog } from '../src/protocol.js';
import { el } from './dom.js';
import { linePlot } from './linePlot.js';
import { vscodeApi } from './vscodeApi.js';

const FRAMEWORK_NAMES: Record<string, string> = {
  torch: 'PyTorch',
  torchvision: 'torchvision',
  keras: 'Keras',
  tensorflow: 'TensorFlow',
  optax: 'optax',
  smp: 'smp',
  tfa: 'TF Addons',
  pml: 'metric-learning',
};

export function startCatalogView(root: HTMLElement): void {
  const vscode = vscodeApi<CatalogViewState, CatalogToHost>();
  const state: CatalogViewState = vscode.getState() ?? {};
  let items: CatalogListItem[] = [];
  let families: FamilyDoc[] = [];

  const search = el('input', { type: 'search', placeholder: 'Filter losses (name, family, framework)', 'aria-label': 'Filter losses', class: 'search' });
  search.value = state.filter ?? '';
  const count = el('div', { class: 'count', 'aria-live': 'polite' });
  const list = el('div', { class: 'list', role: 'listbox', 'aria-label': 'Loss APIs' });
  const detail = el('section', { class: 'detail', 'aria-live': 'polite' }, el('p', { class: 'hint' }, 'Select a loss to see its formula, pitfalls and loss curve.'));
  root.append(el('div', { class: 'catalog' }, el('aside', { class: 'sidebar' }, search, count, list), detail));

  const save = () => vscode.setState({ ...state });

  function renderList(): void {
    const needle = search.value.trim().toLowerCase();
    const visible = items.filter((i) =>
      needle === '' ? true : [i.id, i.family, i.framework, FRAMEWORK_NAMES[i.framework] ?? '', i.summary].some((s) => s.toLowerCase().includes(needle)),
    );
    count.textContent = `${visible.length} of ${items.length} loss APIs`;
    list.replaceChildren();
    for (const fam of families) {
      const members = visible.filter((i) => i.family === fam.id);
      if (members.length === 0) continue;
      list.append(el('h3', { class: 'family' }, fam.title));
      for (const item of members) {
        const row = el(
          'button',
          { class: `item${item.id === state.selected ? ' selected' : ''}`, role: 'option', 'data-id': item.id, title: item.summary, 'aria-selected': String(item.id === state.selected) },
          el('span', { class: 'name' }, item.id),
          el('span', { class: `badge ${item.framework}` }, FRAMEWORK_NAMES[item.framework] ?? item.framework),
          item.computed ? undefined : el('span', { class: 'badge muted', title: 'documented, not computable by Loss Lens' }, 'docs only'),
        );
        row.addEventListener('click', () => select(item.id));
        list.append(row);
      }
    }
  }

  function select(id: string): void {
    state.selected = id;
    save();
    renderList();
    vscode.postMessage({ type: 'select', id });
  }

  function renderEntry(entry: LossEntry, signature: string, plot: Extract<HostToCatalog, { type: 'entry' }>['plot']): void {
    const section = (title: string, ...body: (Node | string)[]) => el('div', { class: 'section' }, el('h3', {}, title), ...body);
    const docs = el('a', { href: '#', class: 'docs' }, 'Official documentation ↗');
    docs.addEventListener('click', (e) => {
      e.preventDefault();
      vscode.postMessage({ type: 'openDocs', url: entry.docs });
    });
    const equivalents = el('ul', {});
    for (const q of entry.equivalents) {
      const link = el('a', { href: '#' }, q.api);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        select(q.api);
      });
      equivalents.append(el('li', {}, link, q.note ? ` — ${q.note}` : ''));
    }
    const input = entry.inputSwitch
      ? `${entry.inputSwitch.whenTrue} when ${entry.inputSwitch.param}=True, ${entry.inputSwitch.whenFalse} otherwise`
      : entry.input;
    detail.replaceChildren(
      el('h2', {}, entry.id),
      el('pre', { class: 'signature' }, signature),
      el('p', { class: 'summary' }, entry.summary),
      el('pre', { class: 'formula' }, entry.formula),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'Input'),
        el('dd', {}, input),
        el('dt', {}, 'Target'),
        el('dd', {}, entry.target.join(' | ')),
        el('dt', {}, 'Tasks'),
        el('dd', {}, entry.tasks.join(', ')),
        el('dt', {}, 'Kernel'),
        el('dd', {}, entry.kernel.computed ? 'computed exactly by Loss Lens' : `not computable: ${entry.kernel.reason}`),
      ),
      plot
        ? section(
            'Loss curve (default parameters, computed by the kernel)',
            linePlot(plot.curves, { xLabel: plot.xLabel, yLabel: 'loss' }),
          )
        : el('p', { class: 'hint' }, 'No one-dimensional loss curve for this API.'),
      section('Intuition', el('p', {}, entry.intuition)),
      section('Use it when', el('p', {}, entry.useWhen)),
      section('Avoid it when', el('p', {}, entry.avoidWhen)),
      section('Pitfalls', el('ul', {}, ...entry.pitfalls.map((p) => el('li', {}, p)))),
      section('Equivalents', equivalents),
      section(
        'Parameters',
        el(
          'table',
          { class: 'params' },
          ...[...(entry.init ?? []), ...entry.call].map((p) =>
            el('tr', {}, el('td', { class: 'pname' }, p.name), el('td', { class: 'pdefault' }, p.default === undefined ? 'required' : JSON.stringify(p.default)), el('td', {}, p.doc)),
          ),
        ),
      ),
      docs,
    );
  }

  search.addEventListener('input', () => {
    state.filter = search.value;
    save();
    renderList();
  });

  window.addEventListener('message', (event: MessageEvent<HostToCatalog>) => {
    const message = event.data;
    switch (message.type) {
      case 'catalog':
        items = message.items;
        families = message.families;
        if (message.selected && !state.selected) state.selected = message.selected;
        renderList();
        if (state.selected && state.selected !== message.selected) vscode.postMessage({ type: 'select', id: state.selected });
        return;
      case 'entry':
        state.selected = message.entry.id;
        save();
        renderList();
        renderEntry(message.entry, message.signature, message.plot);
        return;
    }
  });
  vscode.postMessage({ type: 'ready' });
}
