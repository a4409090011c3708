import type { FlowGraph } from './graph';

// Differences between two versions of a flow, for the version history: nodes and edges added,
// removed or changed (positions alone do not count as a change).

export interface FlowDiff {
  nodes: { added: string[]; removed: string[]; changed: string[] };
  edges: { added: string[]; removed: string[]; changed: string[] };
}

function compare<T extends { id: string }>(before: T[], after: T[], key: (item: T) => string) {
  const old = new Map(before.map((i) => [i.id, key(i)]));
  const now = new Map(after.map((i) => [i.id, key(i)]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed: [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id)),
  };
}

export function diffFlows(before: FlowGraph, after: FlowGraph): FlowDiff {
  return {
    nodes: compare(before.nodes, after.nodes, ({ position: _p, ...rest }) => JSON.stringify(rest)),
    // Edges are identified by their ends, so re-drawing the same jump is not a change.
    edges: compare(
      before.edges.map((e) => ({ ...e, id: `${e.source}→${e.target}` })),
      after.edges.map((e) => ({ ...e, id: `${e.source}→${e.target}` })),
      (e) => JSON.stringify([e.condition, e.priority]),
    ),
  };
}
