import { useCallback, useState } from 'react';
import type { FlowGraph } from '../../modules/questionnaires/graph';

const LIMIT = 100;

/**
 * The editor's undo/redo: `commit` records a change, `replace` updates without a history entry
 * (node drags; `checkpoint` at drag start makes the whole drag one undoable step).
 */
export function useFlowHistory(initial: FlowGraph) {
  const [state, setState] = useState({ past: [] as FlowGraph[], graph: initial, future: [] as FlowGraph[] });
  const commit = useCallback(
    (next: FlowGraph) => setState((s) => ({ past: [...s.past, s.graph].slice(-LIMIT), graph: next, future: [] })),
    [],
  );
  const replace = useCallback((next: FlowGraph) => setState((s) => ({ ...s, graph: next })), []);
  const checkpoint = useCallback(
    () => setState((s) => ({ past: [...s.past, s.graph].slice(-LIMIT), graph: s.graph, future: [] })),
    [],
  );
  const undo = useCallback(
    () =>
      setState((s) => {
        const previous = s.past.at(-1);
        return previous ? { past: s.past.slice(0, -1), graph: previous, future: [s.graph, ...s.future] } : s;
      }),
    [],
  );
  const redo = useCallback(
    () =>
      setState((s) => {
        const next = s.future[0];
        return next ? { past: [...s.past, s.graph], graph: next, future: s.future.slice(1) } : s;
      }),
    [],
  );
  return {
    graph: state.graph,
    commit,
    replace,
    checkpoint,
    undo,
    redo,
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
  };
}
