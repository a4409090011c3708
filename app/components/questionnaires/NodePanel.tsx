import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Divider, Form, Input, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../modules/lists/field-template';
import { END_OUTCOMES, type FlowEdge, type FlowNode, outEdges } from '../../modules/questionnaires/graph';
import {
  BUILTIN_CATEGORIES,
  IDENTITY_MATCHES,
  QUESTION_TYPES,
  type QuestionContent,
  type QuestionType,
} from '../../modules/questionnaires/question';
import type { RuleScope } from '../../rules';
import { ConditionBuilder, EMPTY_CONDITION } from '../rules';

export interface NodePanelProps {
  node: FlowNode | null;
  edge: FlowEdge | null;
  edges: FlowEdge[];
  scope: RuleScope;
  fields: FieldDef[];
  categories: string[];
  newerBankVersion: number | null;
  readOnly: boolean;
  onNode(id: string, patch: Partial<FlowNode>): void;
  onEdge(id: string, patch: Partial<FlowEdge>): void;
  onDeleteEdge(id: string): void;
  onUpdateFromBank(id: string): void;
  /** The bank's editor reuses the question form without the flow's display condition. */
  bankMode?: boolean;
}

const CONTENT_FOR: Record<QuestionType, (keyof QuestionContent)[]> = {
  single: ['options'],
  multiple: ['options'],
  text: [],
  number: ['min', 'max'],
  date: [],
  rating: ['min', 'max'],
  yesNo: [],
  script: [],
  identity: ['identity'],
};

/** The side panel: edits the selected node (question, end) or jump rule. */
export function NodePanel(props: NodePanelProps) {
  const { t } = useTranslation();
  const { node, edge, readOnly } = props;
  if (edge) return <EdgePanel {...props} edge={edge} />;
  if (!node) return <Typography.Text type="secondary">{t('questionnaires.editor.selectHint')}</Typography.Text>;
  if (node.kind === 'start') return <Typography.Text type="secondary">{t('questionnaires.editor.startHint')}</Typography.Text>;
  if (node.kind === 'end') {
    return (
      <Form layout="vertical" disabled={readOnly}>
        <Form.Item label={t('questionnaires.editor.outcome')}>
          <Select
            data-testid="end-outcome"
            value={node.outcome}
            onChange={(outcome) => props.onNode(node.id, { outcome })}
            options={END_OUTCOMES.map((o) => ({ value: o, label: t(`questionnaires.outcomes.${o}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('questionnaires.editor.labelZh')}>
          <Input
            value={node.label?.zh ?? ''}
            onChange={(e) => props.onNode(node.id, { label: { zh: e.target.value, en: node.label?.en ?? '' } })}
          />
        </Form.Item>
        <Form.Item label={t('questionnaires.editor.labelEn')}>
          <Input
            value={node.label?.en ?? ''}
            onChange={(e) => props.onNode(node.id, { label: { en: e.target.value, zh: node.label?.zh ?? '' } })}
          />
        </Form.Item>
      </Form>
    );
  }
  const q = node.question;
  if (!q) return null;
  const content = q.content;
  const shared = !!q.ref;
  const setContent = (patch: Partial<QuestionContent>) =>
    props.onNode(node.id, { question: { ...q, content: { ...content, ...patch } } });
  const setText = (key: 'text' | 'help', lang: 'zh' | 'en', value: string) =>
    setContent({ [key]: { zh: content[key]?.zh ?? '', en: content[key]?.en ?? '', [lang]: value } });
  const options = content.options ?? [];
  const shows = CONTENT_FOR[q.type];

  return (
    <Form layout="vertical" disabled={readOnly} size="small">
      <Space style={{ marginBottom: 8, display: props.bankMode ? 'none' : undefined }} wrap>
        <Tag color="blue">{node.id}</Tag>
        {shared ? (
          <Tag>{t('questionnaires.editor.fromBank', { version: q.ref?.version })}</Tag>
        ) : (
          <Tag>{t('questionnaires.editor.inline')}</Tag>
        )}
      </Space>
      {shared ? (
        <Alert
          type={props.newerBankVersion ? 'warning' : 'info'}
          showIcon
          style={{ marginBottom: 12 }}
          message={
            props.newerBankVersion
              ? t('questionnaires.editor.newerBank', { version: props.newerBankVersion })
              : t('questionnaires.editor.sharedHint')
          }
          action={
            <Space orientation="vertical">
              {props.newerBankVersion ? (
                <Button size="small" onClick={() => props.onUpdateFromBank(node.id)}>
                  {t('questionnaires.editor.update')}
                </Button>
              ) : null}
              <Button
                size="small"
                onClick={() => props.onNode(node.id, { question: { type: q.type, category: q.category, content } })}
              >
                {t('questionnaires.editor.detach')}
              </Button>
            </Space>
          }
        />
      ) : null}
      <fieldset disabled={shared || readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
        <Space.Compact block>
          <Form.Item label={t('questionnaires.bank.category')} style={{ flex: 1 }}>
            <Select
              value={q.category}
              disabled={shared || readOnly}
              onChange={(category) => props.onNode(node.id, { question: { ...q, category } })}
              options={[...new Set([...BUILTIN_CATEGORIES, ...props.categories])].map((c) => ({
                value: c,
                label: t(`questionnaires.categories.${c}`, { defaultValue: c }),
              }))}
            />
          </Form.Item>
          <Form.Item label={t('questionnaires.bank.type')} style={{ flex: 1 }}>
            <Select
              data-testid="question-type"
              value={q.type}
              disabled={shared || readOnly}
              onChange={(type: QuestionType) =>
                props.onNode(node.id, {
                  question: {
                    ...q,
                    type,
                    content: {
                      ...content,
                      ...(['single', 'multiple'].includes(type) && !content.options?.length
                        ? {
                            options: [
                              { code: 'a', label: { zh: '选项 A', en: 'Option A' } },
                              { code: 'b', label: { zh: '选项 B', en: 'Option B' } },
                            ],
                          }
                        : {}),
                    },
                  },
                })
              }
              options={QUESTION_TYPES.map((v) => ({ value: v, label: t(`questionnaires.types.${v}`) }))}
            />
          </Form.Item>
        </Space.Compact>
        <Form.Item
          label={t('questionnaires.bank.textZh')}
          extra={q.type === 'script' ? t('questionnaires.bank.placeholderHint') : undefined}
        >
          <Input.TextArea
            data-testid="question-text-zh"
            rows={2}
            value={content.text.zh}
            onChange={(e) => setText('text', 'zh', e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('questionnaires.bank.textEn')}>
          <Input.TextArea rows={2} value={content.text.en} onChange={(e) => setText('text', 'en', e.target.value)} />
        </Form.Item>
        <Form.Item label={t('questionnaires.bank.help')}>
          <Input value={content.help?.zh ?? ''} onChange={(e) => setText('help', 'zh', e.target.value)} placeholder="中文" />
          <Input
            value={content.help?.en ?? ''}
            onChange={(e) => setText('help', 'en', e.target.value)}
            placeholder="English"
            style={{ marginTop: 4 }}
          />
        </Form.Item>
        {q.type !== 'script' ? (
          <Form.Item label={t('questionnaires.bank.required')}>
            <Switch checked={content.required} disabled={shared || readOnly} onChange={(required) => setContent({ required })} />
          </Form.Item>
        ) : null}
        {shows.includes('options') ? (
          <Form.Item label={t('questionnaires.bank.options')}>
            {options.map((o, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: codes are edited in place (and may clash while typing); the row's position is its identity
              <Space.Compact key={i} block style={{ marginBottom: 4 }}>
                <Input
                  style={{ width: 70 }}
                  value={o.code}
                  aria-label="code"
                  onChange={(e) => setContent({ options: options.map((x, k) => (k === i ? { ...x, code: e.target.value } : x)) })}
                />
                <Input
                  value={o.label.zh}
                  placeholder="中文"
                  onChange={(e) =>
                    setContent({
                      options: options.map((x, k) => (k === i ? { ...x, label: { ...x.label, zh: e.target.value } } : x)),
                    })
                  }
                />
                <Input
                  value={o.label.en}
                  placeholder="English"
                  onChange={(e) =>
                    setContent({
                      options: options.map((x, k) => (k === i ? { ...x, label: { ...x.label, en: e.target.value } } : x)),
                    })
                  }
                />
                <Button
                  icon={<MinusCircleOutlined />}
                  aria-label={t('questionnaires.editor.delete')}
                  onClick={() => setContent({ options: options.filter((_, k) => k !== i) })}
                />
              </Space.Compact>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => setContent({ options: [...options, { code: `o${options.length + 1}`, label: { zh: '', en: '' } }] })}
            >
              {t('questionnaires.bank.addOption')}
            </Button>
          </Form.Item>
        ) : null}
        {shows.includes('min') ? (
          <Space>
            <Form.Item label={t('questionnaires.bank.min')}>
              <InputNumber value={content.min} onChange={(v) => setContent({ min: v ?? undefined })} />
            </Form.Item>
            <Form.Item label={t('questionnaires.bank.max')}>
              <InputNumber value={content.max} onChange={(v) => setContent({ max: v ?? undefined })} />
            </Form.Item>
          </Space>
        ) : null}
        {shows.includes('identity') ? (
          <Space>
            <Form.Item label={t('questionnaires.bank.identityField')}>
              <Select
                style={{ width: 140 }}
                value={content.identity?.field}
                disabled={shared || readOnly}
                onChange={(field) => setContent({ identity: { field, match: content.identity?.match ?? 'last4' } })}
                options={props.fields.filter((f) => f.key !== 'phone').map((f) => ({ value: f.key, label: f.label.zh }))}
              />
            </Form.Item>
            <Form.Item label={t('questionnaires.bank.identityMatch')}>
              <Select
                style={{ width: 120 }}
                value={content.identity?.match ?? 'last4'}
                disabled={shared || readOnly}
                onChange={(match) => setContent({ identity: { field: content.identity?.field ?? '', match } })}
                options={IDENTITY_MATCHES.map((m) => ({ value: m, label: t(`questionnaires.bank.match.${m}`) }))}
              />
            </Form.Item>
          </Space>
        ) : null}
      </fieldset>
      {props.bankMode ? null : <Divider style={{ margin: '8px 0' }} />}
      {props.bankMode ? null : (
        <Form.Item label={t('questionnaires.editor.display')} extra={t('questionnaires.editor.displayHint')}>
          <Switch
            data-testid="display-toggle"
            checked={!!node.display}
            onChange={(on) => props.onNode(node.id, { display: on ? EMPTY_CONDITION : null })}
          />
        </Form.Item>
      )}
      {node.display && !props.bankMode ? (
        <div data-testid="display-builder">
          <ConditionBuilder
            scope={props.scope}
            value={node.display}
            onChange={(display) => props.onNode(node.id, { display })}
            disabled={readOnly}
          />
        </div>
      ) : null}
    </Form>
  );
}

function EdgePanel({ edge, edges, scope, readOnly, onEdge, onDeleteEdge }: NodePanelProps & { edge: FlowEdge }) {
  const { t } = useTranslation();
  const siblings = outEdges({ nodes: [], edges }, edge.source).conditional;
  const index = siblings.findIndex((e) => e.id === edge.id);
  const swap = (other: FlowEdge | undefined) => {
    if (!other) return;
    onEdge(edge.id, { priority: other.priority });
    onEdge(other.id, { priority: edge.priority === other.priority ? edge.priority + 1 : edge.priority });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="edge-panel">
      <Typography.Text strong>
        {edge.source} → {edge.target}
      </Typography.Text>
      <Space>
        <Switch
          data-testid="edge-default"
          checked={!edge.condition}
          disabled={readOnly || edge.source === 'start'}
          onChange={(isDefault) => onEdge(edge.id, { condition: isDefault ? null : EMPTY_CONDITION })}
        />
        <span>{t('questionnaires.editor.defaultEdge')}</span>
      </Space>
      {edge.condition ? (
        <>
          <Space>
            <span>{t('questionnaires.editor.priority', { n: index + 1, of: siblings.length })}</span>
            <Button
              size="small"
              icon={<ArrowUpOutlined />}
              disabled={readOnly || index <= 0}
              onClick={() => swap(siblings[index - 1])}
              aria-label="up"
            />
            <Button
              size="small"
              icon={<ArrowDownOutlined />}
              disabled={readOnly || index >= siblings.length - 1}
              onClick={() => swap(siblings[index + 1])}
              aria-label="down"
            />
          </Space>
          <div data-testid="edge-builder">
            <ConditionBuilder
              scope={scope}
              value={edge.condition}
              onChange={(condition) => onEdge(edge.id, { condition })}
              disabled={readOnly}
            />
          </div>
        </>
      ) : (
        <Typography.Text type="secondary">{t('questionnaires.editor.defaultHint')}</Typography.Text>
      )}
      <Button danger size="small" icon={<DeleteOutlined />} disabled={readOnly} onClick={() => onDeleteEdge(edge.id)}>
        {t('questionnaires.editor.deleteEdge')}
      </Button>
    </Space>
  );
}
