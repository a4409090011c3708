import { EyeOutlined, FlagOutlined, PlayCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FlowNode } from '../../modules/questionnaires/graph';
import { localText } from '../../modules/questionnaires/question';

// The canvas's node types: start, question and end. A node with problems is drawn red and lists
// them in its tooltip; nodes on the preview's path are highlighted.

export interface CanvasNodeData extends Record<string, unknown> {
  node: FlowNode;
  problems: string[];
  onPath: boolean;
  newerBankVersion: number | null;
}
export type CanvasNode = Node<CanvasNodeData>;

const BOX: React.CSSProperties = {
  background: 'var(--ant-color-bg-container, #fff)',
  border: '1px solid #d9d9d9',
  borderRadius: 8,
  padding: '8px 10px',
  width: 240,
  fontSize: 12,
  boxShadow: '0 1px 2px rgba(0,0,0,0.06)',
};

function frame(data: CanvasNodeData, selected: boolean): React.CSSProperties {
  const border = data.problems.length ? '#ff4d4f' : selected ? '#1677ff' : data.onPath ? '#52c41a' : '#d9d9d9';
  return {
    ...BOX,
    borderColor: border,
    borderWidth: data.problems.length || selected || data.onPath ? 2 : 1,
    background: data.onPath ? '#f6ffed' : BOX.background,
  };
}

function Problems({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <Tooltip title={problems.join('\n')}>
      <WarningOutlined style={{ color: '#ff4d4f', marginLeft: 4 }} data-testid="node-problem" />
    </Tooltip>
  );
}

export function StartNode({ data, selected }: NodeProps<CanvasNode>) {
  const { t } = useTranslation();
  return (
    <div style={{ ...frame(data, !!selected), width: 140, textAlign: 'center' }}>
      <PlayCircleOutlined /> {t('questionnaires.editor.start')}
      <Problems problems={data.problems} />
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export function QuestionNode({ data, selected }: NodeProps<CanvasNode>) {
  const { t, i18n } = useTranslation();
  const q = data.node.question;
  return (
    <div style={frame(data, !!selected)}>
      <Handle type="target" position={Position.Top} />
      <div style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 4 }}>
        <span>
          <Tag color="blue" style={{ marginInlineEnd: 4 }}>
            {data.node.id}
          </Tag>
          <Tag>{t(`questionnaires.types.${q?.type ?? 'text'}`)}</Tag>
        </span>
        <span>
          {data.node.display ? (
            <Tooltip title={t('questionnaires.editor.hasDisplayCondition')}>
              <EyeOutlined style={{ color: '#fa8c16' }} data-testid="display-condition" />
            </Tooltip>
          ) : null}
          {q?.ref ? (
            <Tooltip
              title={
                data.newerBankVersion
                  ? t('questionnaires.editor.newerBank', { version: data.newerBankVersion })
                  : t('questionnaires.editor.fromBank', { version: q.ref.version })
              }
            >
              <Tag color={data.newerBankVersion ? 'orange' : 'default'} style={{ marginInlineStart: 4, marginInlineEnd: 0 }}>
                v{q.ref.version}
              </Tag>
            </Tooltip>
          ) : null}
          <Problems problems={data.problems} />
        </span>
      </div>
      <div
        style={{
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          display: '-webkit-box',
          WebkitLineClamp: 3,
          WebkitBoxOrient: 'vertical',
        }}
      >
        {localText(q?.content.text, i18n.language) || t('questionnaires.editor.untitled')}
      </div>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export function EndNode({ data, selected }: NodeProps<CanvasNode>) {
  const { t, i18n } = useTranslation();
  const outcome = data.node.outcome ?? '';
  return (
    <div style={{ ...frame(data, !!selected), width: 160, textAlign: 'center', borderRadius: 20 }}>
      <Handle type="target" position={Position.Top} />
      <FlagOutlined />{' '}
      {localText(data.node.label, i18n.language) || t(`questionnaires.outcomes.${outcome}`, { defaultValue: outcome || '—' })}
      <Problems problems={data.problems} />
    </div>
  );
}

export const NODE_TYPES = { start: StartNode, question: QuestionNode, end: EndNode };
