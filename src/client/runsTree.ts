/**
 * The Loss Lens side bar: "Training Runs" (each run and its tags with the latest and best
 * value, plus the problems met while reading) and "Predictions" (prediction and target files
 * by folder). Both redraw from the {@link WorkspaceRuns} snapshots, which stay live while a
 * job writes its logs.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ArrayInfo } from '../data/arrays/index.js';
import type { DiscoveredPrediction } from '../data/discovery.js';
import { formatNumber } from '../data/logs/summary.js';
import type { RunSummary, RunsIssue, RunsSnapshot, TagSummary } from '../data/runs/session.js';
import type { WorkspaceRuns } from './workspaceRuns.js';

type RunsNode = { kind: 'run'; run: RunSummary; problems: number } | { kind: 'tag'; run: RunSummary; tag: TagSummary } | { kind: 'problems'; issues: RunsIssue[] } | { kind: 'issue'; issue: RunsIssue };

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private snap: RunsSnapshot | undefined;

  constructor(private readonly runs: WorkspaceRuns) {
    runs.onDidChange((s) => {
      this.snap = s;
      this.changed.fire();
    });
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (node === undefined) {
      const snap = this.snap ?? (await this.runs.snapshot());
      if (!snap) return [];
      this.snap = snap;
      const nodes: RunsNode[] = snap.runs.map((run) => ({ kind: 'run', run, problems: snap.issues.filter((i) => i.file.startsWith(run.path)).length }));
      if (snap.issues.length > 0) nodes.push({ kind: 'problems', issues: snap.issues });
      return nodes;
    }
    if (node.kind === 'run') return node.run.tags.map((tag) => ({ kind: 'tag', run: node.run, tag }));
    if (node.kind === 'problems') return node.issues.map((issue) => ({ kind: 'issue', issue }));
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'run': {
        const item = new vscode.TreeItem(node.run.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${node.run.name}`;
        const tags = node.run.tags.length;
        item.description = `${formatLabel(node.run.format)} · ${tags} ${tags === 1 ? 'tag' : 'tags'}${node.run.title ? ` · ${node.run.title}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.problems > 0 ? 'warning' : 'pulse');
        item.tooltip = new vscode.MarkdownString(`**${node.run.name}**\n\n${formatLabel(node.run.format)} · \`${node.run.path}\`${node.problems ? `\n\n${node.problems} problem(s) while reading` : ''}`);
        item.resourceUri = vscode.Uri.file(node.run.path);
        item.contextValue = 'lossLens.run';
        return item;
      }
      case 'tag': {
        const t = node.tag;
        const item = new vscode.TreeItem(t.tag, vscode.TreeItemCollapsibleState.None);
        item.id = `tag:${node.run.name}\u0000${t.tag}`;
        const parts = [`last ${formatNumber(t.last)}`];
        if (Number.isFinite(t.min)) parts.push(`min ${formatNumber(t.min)} @ ${formatNumber(t.minStep)}`);
        parts.push(`${t.points} pts`);
        if (t.nonFinite > 0) parts.push(`${t.nonFinite} non-finite`);
        item.description = parts.join(' · ');
        item.iconPath = new vscode.ThemeIcon(t.nonFinite > 0 ? 'warning' : 'graph-line');
        item.tooltip = new vscode.MarkdownString(
          [
            `**${t.tag}** in ${node.run.name}`,
            '',
            `| | |`,
            `|---|---|`,
            `| points | ${t.points}${t.stride ? ` (every ${t.stride}th kept)` : ''} |`,
            `| steps | ${formatNumber(t.firstStep)} … ${formatNumber(t.lastStep)} |`,
            `| last | ${formatNumber(t.last)} |`,
            `| min | ${formatNumber(t.min)} at step ${formatNumber(t.minStep)} |`,
            `| non-finite | ${t.nonFinite} |`,
          ].join('\n'),
        );
        item.contextValue = 'lossLens.tag';
        return item;
      }
      case 'problems': {
        const item = new vscode.TreeItem(`Problems (${node.issues.length})`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'problems';
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'issue': {
        const i = node.issue;
        const item = new vscode.TreeItem(i.problem, vscode.TreeItemCollapsibleState.None);
        item.description = basename(i.file) + (i.location.line !== undefined ? `:${i.location.line}` : i.location.offset !== undefined ? ` @ byte ${i.location.offset}` : '');
        item.tooltip = i.message;
        item.iconPath = new vscode.ThemeIcon('error');
        const line = Math.max(0, (i.location.line ?? 1) - 1);
        item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(i.file), { selection: new vscode.Range(line, 0, line, 0) }] };
        return item;
      }
    }
  }
}

type PredictionNode =
  | { kind: 'group'; group: string; files: DiscoveredPrediction[] }
  | { kind: 'file'; file: DiscoveredPrediction }
  | { kind: 'array'; file: DiscoveredPrediction; info: ArrayInfo }
  | { kind: 'error'; file: DiscoveredPrediction; message: string };

export class PredictionsTreeProvider implements vscode.TreeDataProvider<PredictionNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private snap: RunsSnapshot | undefined;

  constructor(private readonly runs: WorkspaceRuns) {
    runs.onDidChange((s) => {
      this.snap = s;
      this.changed.fire();
    });
  }

  async getChildren(node?: PredictionNode): Promise<PredictionNode[]> {
    if (node?.kind === 'group') return node.files.map((file) => ({ kind: 'file', file }));
    if (node?.kind === 'file') {
      // Read when expanded, in the worker: binary files give their headers only.
      try {
        const listing = await this.runs.arrays(node.file.path);
        return listing.arrays.map((info) => ({ kind: 'array', file: node.file, info }));
      } catch (e) {
        return [{ kind: 'error', file: node.file, message: e instanceof Error ? e.message : String(e) }];
      }
    }
    if (node) return [];
    const snap = this.snap ?? (await this.runs.snapshot());
    if (!snap) return [];
    this.snap = snap;
    const groups = new Map<string, DiscoveredPrediction[]>();
    for (const p of snap.predictions) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([group, files]) => ({ kind: 'group', group, files }));
  }

  getTreeItem(node: PredictionNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group === '.' ? '(workspace root)' : node.group, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.description = `${node.files.length} ${node.files.length === 1 ? 'file' : 'files'}`;
      return item;
    }
    if (node.kind === 'array') {
      const a = node.info;
      const item = new vscode.TreeItem(a.name, vscode.TreeItemCollapsibleState.None);
      item.id = `array:${node.file.path}\u0000${a.name}`;
      item.description = `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''}) ${a.dtype}${a.stored !== a.dtype ? ` (${a.stored} in the file)` : ''}`;
      item.iconPath = new vscode.ThemeIcon('symbol-array');
      item.contextValue = 'lossLens.array';
      return item;
    }
    if (node.kind === 'error') {
      const item = new vscode.TreeItem('cannot be read', vscode.TreeItemCollapsibleState.None);
      item.description = node.message.slice(node.file.path.length).replace(/^[:\s]+/, '');
      item.tooltip = node.message;
      item.iconPath = new vscode.ThemeIcon('error');
      return item;
    }
    const f = node.file;
    const item = new vscode.TreeItem(basename(f.path), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `file:${f.path}`;
    item.description = `${f.format} · ${formatBytes(f.bytes)}`;
    item.resourceUri = vscode.Uri.file(f.path);
    item.tooltip = f.path;
    // Explicit, or the theme draws a folder for an expandable item with a resource.
    item.iconPath = vscode.ThemeIcon.File;
    item.contextValue = 'lossLens.predictionFile';
    return item;
  }
}

function formatLabel(format: RunSummary['format']): string {
  switch (format) {
    case 'tfevents':
      return 'TensorBoard';
    case 'lightning-csv':
      return 'Lightning CSV';
    case 'keras-csv':
      return 'Keras CSV';
    case 'hf-trainer-state':
      return 'Hugging Face';
    case 'mlflow':
      return 'MLflow';
    case 'wandb':
      return 'W&B';
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
