import dagre from '@dagrejs/dagre';
import type { FlowGraph } from '../../modules/questionnaires/graph';

// Auto-layout: top-to-bottom layers with dagre, sized like the canvas's nodes.
const SIZE = { start: { width: 140, height: 40 }, question: { width: 240, height: 90 }, end: { width: 160, height: 40 } };

export function layoutFlow(graph: FlowGraph): FlowGraph {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...SIZE[n.kind] });
  for (const e of graph.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = g.node(n.id);
      const size = SIZE[n.kind];
      return p ? { ...n, position: { x: Math.round(p.x - size.width / 2), y: Math.round(p.y - size.height / 2) } } : n;
    }),
  };
}
