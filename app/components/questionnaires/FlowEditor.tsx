import { ApartmentOutlined, FlagOutlined, QuestionCircleOutlined, RedoOutlined, UndoOutlined } from '@ant-design/icons';
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Badge, Button, Card, Drawer, Input, List, Space, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../modules/lists/field-template';
import {
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
  type FlowQuestion,
  flowScope,
  outEdges,
} from '../../modules/questionnaires/graph';
import { localText, QUESTION_TYPES, type QuestionType } from '../../modules/questionnaires/question';
import { type FlowProblem, problemsByNode, validateFlow } from '../../modules/questionnaires/validate';
import { FlowPreview } from './FlowPreview';
import { layoutFlow } from './flow-layout';
import { type CanvasNode, NODE_TYPES } from './flow-nodes';
import { NodePanel } from './NodePanel';
import { useFlowHistory } from './useFlowHistory';

export interface BankEntry {
  id: string;
  category: string;
  type: QuestionType;
  version: number;
  content: FlowQuestion['content'];
}

export interface FlowEditorProps {
  initial: FlowGraph;
  fields: FieldDef[];
  knownTags: string[];
  bank: BankEntry[];
  categories: string[];
  readOnly: boolean;
  /** Every change, for the page's save and publish buttons. */
  onChange(graph: FlowGraph, problems: FlowProblem[]): void;
}

const DRAG_TYPE = 'application/x-waihu-question';

function nextId(graph: FlowGraph, prefix: string): string {
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!ids.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

function inlineQuestion(type: QuestionType, t: (k: string) => string): FlowQuestion {
  const options = ['single', 'multiple'].includes(type)
    ? [
        { code: 'a', label: { zh: '选项 A', en: 'Option A' } },
        { code: 'b', label: { zh: '选项 B', en: 'Option B' } },
      ]
    : undefined;
  return {
    type,
    category: 'business',
    content: {
      text: { zh: t('questionnaires.editor.newQuestionZh'), en: 'New question' },
      required: type !== 'script',
      ...(options ? { options } : {}),
      ...(type === 'rating' ? { min: 0, max: 10 } : {}),
    },
  };
}

function Editor(props: FlowEditorProps) {
  const { t, i18n } = useTranslation();
  const flow = useReactFlow();
  const history = useFlowHistory(props.initial);
  const graph = history.graph;
  const [selected, setSelected] = useState<{ node: string | null; edge: string | null }>({ node: null, edge: null });
  const [previewOpen, setPreviewOpen] = useState(false);
  const [previewPath, setPreviewPath] = useState<string[]>([]);
  const [bankSearch, setBankSearch] = useState('');
  const clipboard = useRef<FlowGraph | null>(null);
  const bankById = useMemo(() => new Map(props.bank.map((q) => [q.id, q])), [props.bank]);

  const scope = useMemo(() => flowScope(graph, props.fields, props.knownTags), [graph, props.fields, props.knownTags]);
  const check = useMemo(() => validateFlow(graph, scope), [graph, scope]);
  const byNode = useMemo(() => problemsByNode(graph, check.problems), [graph, check.problems]);
  const problemText = useCallback(
    (p: FlowProblem) => t(`questionnaires.problems.${p.code}`, { ...p.params, node: p.nodeId ?? '', edge: p.edgeId ?? '' }),
    [t],
  );
  const { onChange } = props;
  useEffect(() => onChange(graph, check.problems), [graph, check.problems, onChange]);

  const nodes = useMemo<CanvasNode[]>(
    () =>
      graph.nodes.map((n) => {
        const ref = n.question?.ref;
        const current = ref ? bankById.get(ref.questionId)?.version : undefined;
        return {
          id: n.id,
          type: n.kind,
          position: n.position,
          selected: selected.node === n.id,
          deletable: !props.readOnly && n.kind !== 'start',
          draggable: !props.readOnly,
          data: {
            node: n,
            problems: (byNode.get(n.id) ?? []).map(problemText),
            onPath: previewOpen && previewPath.includes(n.id),
            newerBankVersion: ref && current && current > ref.version ? current : null,
          },
        };
      }),
    [graph.nodes, selected.node, byNode, problemText, previewOpen, previewPath, bankById, props.readOnly],
  );
  const edges = useMemo<Edge[]>(() => {
    const ranks = new Map<string, number>();
    for (const n of graph.nodes) {
      for (const [i, e] of outEdges(graph, n.id).conditional.entries()) ranks.set(e.id, i + 1);
    }
    return graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      selected: selected.edge === e.id,
      deletable: !props.readOnly,
      label: e.condition ? `#${ranks.get(e.id)} ${t('questionnaires.editor.ifLabel')}` : t('questionnaires.editor.defaultLabel'),
      labelStyle: { fontSize: 11 },
      style: e.condition ? { stroke: '#fa8c16' } : { strokeDasharray: '4 3' },
      markerEnd: { type: MarkerType.ArrowClosed },
      className: `edge-${e.source}-${e.target}`,
    }));
  }, [graph, selected.edge, t, props.readOnly]);

  const removeNodes = (ids: string[], base: FlowGraph = graph): FlowGraph => ({
    nodes: base.nodes.filter((n) => !ids.includes(n.id) || n.kind === 'start'),
    edges: base.edges.filter((e) => !ids.includes(e.source) && !ids.includes(e.target)),
  });

  const onNodesChange = (changes: NodeChange<CanvasNode>[]) => {
    let next = graph;
    let moved = false;
    for (const change of changes) {
      if (change.type === 'position' && change.position) {
        next = {
          ...next,
          nodes: next.nodes.map((n) => (n.id === change.id ? { ...n, position: change.position ?? n.position } : n)),
        };
        moved = true;
      } else if (change.type === 'select') {
        if (change.selected) setSelected({ node: change.id, edge: null });
        else setSelected((s) => (s.node === change.id ? { ...s, node: null } : s));
      } else if (change.type === 'remove' && !props.readOnly) {
        next = removeNodes([change.id], next);
      }
    }
    if (next !== graph) moved && !changes.some((c) => c.type === 'remove') ? history.replace(next) : history.commit(next);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    let next = graph;
    for (const change of changes) {
      if (change.type === 'select') {
        if (change.selected) setSelected({ node: null, edge: change.id });
        else setSelected((s) => (s.edge === change.id ? { ...s, edge: null } : s));
      } else if (change.type === 'remove' && !props.readOnly) {
        next = { ...next, edges: next.edges.filter((e) => e.id !== change.id) };
      }
    }
    if (next !== graph) history.commit(next);
  };
  const onConnect = (c: Connection) => {
    if (props.readOnly || !c.source || !c.target || c.source === c.target) return;
    const { conditional, defaults } = outEdges(graph, c.source);
    const isDefault = defaults.length === 0;
    const edge: FlowEdge = {
      id: `e_${c.source}_${c.target}_${graph.edges.length + 1}`,
      source: c.source,
      target: c.target,
      condition: isDefault ? null : { combinator: 'and', rules: [] },
      priority: isDefault ? 0 : Math.max(0, ...conditional.map((e) => e.priority)) + 1,
    };
    history.commit({ ...graph, edges: [...graph.edges, edge] });
    setSelected({ node: null, edge: isDefault ? null : edge.id });
  };

  const addNode = (node: Omit<FlowNode, 'id'>, prefix: string) => {
    const id = nextId(graph, prefix);
    history.commit({ ...graph, nodes: [...graph.nodes, { ...node, id }] });
    setSelected({ node: id, edge: null });
  };
  const onDrop = (event: React.DragEvent) => {
    event.preventDefault();
    const raw = event.dataTransfer.getData(DRAG_TYPE);
    if (!raw || props.readOnly) return;
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const what = JSON.parse(raw) as { bankId?: string; type?: QuestionType; end?: boolean };
    if (what.end) return addNode({ kind: 'end', position, outcome: 'completed' }, 'end');
    const bank = what.bankId ? bankById.get(what.bankId) : undefined;
    const question: FlowQuestion = bank
      ? { ref: { questionId: bank.id, version: bank.version }, type: bank.type, category: bank.category, content: bank.content }
      : inlineQuestion(what.type ?? 'single', t);
    addNode({ kind: 'question', position, question }, 'q');
  };

  const updateNode = (id: string, patch: Partial<FlowNode>) => {
    history.commit({ ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) });
  };
  const updateEdge = (id: string, patch: Partial<FlowEdge>) => {
    history.commit({ ...graph, edges: graph.edges.map((e) => (e.id === id ? { ...e, ...patch } : e)) });
  };
  const updateFromBank = (id: string) => {
    const node = graph.nodes.find((n) => n.id === id);
    const bank = node?.question?.ref ? bankById.get(node.question.ref.questionId) : undefined;
    if (!bank) return;
    updateNode(id, {
      question: {
        ref: { questionId: bank.id, version: bank.version },
        type: bank.type,
        category: bank.category,
        content: bank.content,
      },
    });
  };
  const focus = (p: FlowProblem) => {
    const id = p.nodeId ?? graph.edges.find((e) => e.id === p.edgeId)?.source;
    if (!id) return;
    setSelected(p.edgeId ? { node: null, edge: p.edgeId } : { node: id, edge: null });
    void flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 });
  };

  // Undo/redo, copy/paste; delete is React Flow's own (Backspace/Delete).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"], .ant-select')) return;
      const mod = event.ctrlKey || event.metaKey;
      if (!mod) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) history.undo();
      else if (key === 'y' || (key === 'z' && event.shiftKey)) history.redo();
      else if (key === 'c' && selected.node) {
        const node = graph.nodes.find((n) => n.id === selected.node && n.kind !== 'start');
        clipboard.current = node ? { nodes: [node], edges: [] } : null;
      } else if (key === 'v' && clipboard.current && !props.readOnly) {
        const source = clipboard.current.nodes[0];
        if (source)
          addNode(
            { ...structuredClone(source), position: { x: source.position.x + 40, y: source.position.y + 40 } },
            source.kind === 'end' ? 'end' : 'q',
          );
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const selectedNode = graph.nodes.find((n) => n.id === selected.node) ?? null;
  const selectedEdge = graph.edges.find((e) => e.id === selected.edge) ?? null;
  const bankMatches = props.bank.filter(
    (q) => !bankSearch || `${q.content.text.zh} ${q.content.text.en}`.toLowerCase().includes(bankSearch.toLowerCase()),
  );
  const dragItem = (payload: object) => ({
    draggable: !props.readOnly,
    onDragStart: (event: React.DragEvent) => {
      event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(payload));
      event.dataTransfer.effectAllowed = 'move';
    },
  });
  const ref = selectedNode?.question?.ref;
  const newer = ref ? (bankById.get(ref.questionId)?.version ?? 0) : 0;

  return (
    <div
      style={{ display: 'grid', gridTemplateColumns: '220px 1fr 360px', gap: 12, height: 'calc(100vh - 210px)', minHeight: 560 }}
    >
      <Card
        size="small"
        title={t('questionnaires.editor.palette')}
        styles={{ body: { overflow: 'auto', maxHeight: 'calc(100vh - 270px)' } }}
      >
        <Typography.Text type="secondary">{t('questionnaires.editor.inlineTypes')}</Typography.Text>
        <Space wrap size={4} style={{ margin: '6px 0 12px' }}>
          {QUESTION_TYPES.map((type) => (
            <Tag
              key={type}
              {...dragItem({ type })}
              style={{ cursor: 'grab' }}
              data-testid={`palette-${type}`}
              icon={<QuestionCircleOutlined />}
            >
              {t(`questionnaires.types.${type}`)}
            </Tag>
          ))}
          <Tag
            {...dragItem({ end: true })}
            style={{ cursor: 'grab' }}
            color="purple"
            data-testid="palette-end"
            icon={<FlagOutlined />}
          >
            {t('questionnaires.editor.endNode')}
          </Tag>
        </Space>
        <Typography.Text type="secondary">{t('questionnaires.editor.bank')}</Typography.Text>
        <Input.Search size="small" allowClear onChange={(e) => setBankSearch(e.target.value)} style={{ margin: '6px 0' }} />
        <List
          size="small"
          dataSource={bankMatches}
          locale={{ emptyText: t('questionnaires.editor.bankEmpty') }}
          renderItem={(q) => (
            <List.Item
              {...dragItem({ bankId: q.id })}
              style={{ cursor: 'grab', padding: '4px 0' }}
              data-testid={`bank-item-${q.id}`}
            >
              <Space orientation="vertical" size={0}>
                <span>{localText(q.content.text, i18n.language).slice(0, 40)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                  {t(`questionnaires.categories.${q.category}`, { defaultValue: q.category })} ·{' '}
                  {t(`questionnaires.types.${q.type}`)} · v{q.version}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Card>
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0 }}>
        <Space wrap>
          <Tooltip title="Ctrl+Z">
            <Button
              icon={<UndoOutlined />}
              disabled={!history.canUndo || props.readOnly}
              onClick={history.undo}
              data-testid="undo"
            >
              {t('questionnaires.editor.undo')}
            </Button>
          </Tooltip>
          <Tooltip title="Ctrl+Y">
            <Button icon={<RedoOutlined />} disabled={!history.canRedo || props.readOnly} onClick={history.redo}>
              {t('questionnaires.editor.redo')}
            </Button>
          </Tooltip>
          <Button
            icon={<ApartmentOutlined />}
            disabled={props.readOnly}
            onClick={() => {
              history.commit(layoutFlow(graph));
              setTimeout(() => void flow.fitView({ duration: 300 }), 50);
            }}
          >
            {t('questionnaires.editor.layout')}
          </Button>
          <Button onClick={() => setPreviewOpen(true)} data-testid="open-preview">
            {t('questionnaires.editor.preview')}
          </Button>
          <Badge
            count={check.problems.length}
            showZero
            color={check.problems.length ? '#ff4d4f' : '#52c41a'}
            data-testid="problem-count"
          />
        </Space>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the palette's drag items; keyboard users add nodes by copy and paste */}
        <div
          style={{ flex: 1, border: '1px solid #f0f0f0', borderRadius: 8, minHeight: 380 }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
          }}
          onDrop={onDrop}
          data-testid="flow-canvas"
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStart={() => history.checkpoint()}
            onPaneClick={() => setSelected({ node: null, edge: null })}
            deleteKeyCode={props.readOnly ? null : ['Backspace', 'Delete']}
            nodesConnectable={!props.readOnly}
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            minZoom={0.2}
          >
            <Background gap={16} />
            <MiniMap
              pannable
              zoomable
              nodeColor={(n) => ((n.data as CanvasNode['data']).problems.length ? '#ff4d4f' : '#91caff')}
            />
            <Controls />
          </ReactFlow>
        </div>
        <Card
          size="small"
          title={t('questionnaires.editor.problems', { count: check.problems.length })}
          styles={{ body: { maxHeight: 140, overflow: 'auto', padding: 8 } }}
        >
          {check.problems.length === 0 ? (
            <Typography.Text type="success" data-testid="no-problems">
              {t('questionnaires.editor.noProblems')}
            </Typography.Text>
          ) : (
            <List
              size="small"
              data-testid="problem-list"
              dataSource={check.problems}
              renderItem={(p) => (
                <List.Item
                  style={{ cursor: 'pointer', padding: '2px 0' }}
                  onClick={() => focus(p)}
                  data-testid={`problem-${p.code}`}
                >
                  <Typography.Text type="danger">{problemText(p)}</Typography.Text>
                </List.Item>
              )}
            />
          )}
        </Card>
      </div>
      <Card
        size="small"
        title={t('questionnaires.editor.properties')}
        styles={{ body: { overflow: 'auto', maxHeight: 'calc(100vh - 270px)' } }}
        data-testid="node-panel"
      >
        <NodePanel
          node={selectedNode}
          edge={selectedEdge}
          edges={graph.edges}
          scope={scope}
          fields={props.fields}
          categories={props.categories}
          newerBankVersion={ref && newer > ref.version ? newer : null}
          readOnly={props.readOnly}
          onNode={updateNode}
          onEdge={updateEdge}
          onDeleteEdge={(id) => {
            history.commit({ ...graph, edges: graph.edges.filter((e) => e.id !== id) });
            setSelected({ node: null, edge: null });
          }}
          onUpdateFromBank={updateFromBank}
        />
      </Card>
      <Drawer
        title={t('questionnaires.editor.preview')}
        open={previewOpen}
        onClose={() => setPreviewOpen(false)}
        size={440}
        mask={false}
      >
        {previewOpen ? (
          <FlowPreview graph={check.graph} scope={scope} knownTags={props.knownTags} onPath={setPreviewPath} />
        ) : null}
      </Drawer>
    </div>
  );
}

/** The questionnaire flow editor (React Flow). Browser-only: the page loads it after hydration. */
export default function FlowEditor(props: FlowEditorProps) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}
