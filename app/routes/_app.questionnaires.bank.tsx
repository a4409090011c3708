import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Button, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { NodePanel } from '../components/questionnaires/NodePanel';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { customField, FIXED_FIELDS } from '../modules/lists/field-template';
import type { FlowNode } from '../modules/questionnaires/graph';
import { localText } from '../modules/questionnaires/question';
import {
  listQuestions,
  QuestionInvalid,
  questionCategories,
  saveQuestion,
  setQuestionArchived,
} from '../modules/questionnaires/questions.server';
import { defineScope } from '../rules';

const Filter = z.object({
  category: z.string().max(40).optional().catch(undefined),
  search: z.string().max(100).optional().catch(undefined),
  usage: z.enum(['used', 'unused']).optional().catch(undefined),
});

export const loader = withPermission('questionnaires.view', async ({ request }) => {
  const filter = Filter.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { questions: await listQuestions(filter), categories: await questionCategories(), filter };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('save'),
    id: z.string().uuid().optional(),
    category: z.string(),
    type: z.string(),
    content: z.unknown(),
  }),
  z.object({ intent: z.literal('archive'), id: z.string().uuid(), archived: z.boolean() }),
]);

export const action = withPermission('questionnaires.manage', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: [{ path: 'form', key: 'question.invalid' }] };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    if (parsed.data.intent === 'archive') await setQuestionArchived(actor, parsed.data.id, parsed.data.archived);
    else await saveQuestion(actor, parsed.data);
    return { ok: true as const };
  } catch (error) {
    if (error instanceof QuestionInvalid) return { ok: false as const, errors: error.errors };
    throw error;
  }
});

type Row = Awaited<ReturnType<typeof listQuestions>>[number];
const NO_SCOPE = defineScope('bank', []);
// Bank questions serve every project: identity checks may name the fixed fields or the usual ID card field.
const BANK_FIELDS = [...FIXED_FIELDS, customField('idCard', 'idCard', { label: { zh: '身份证号', en: 'ID card' } })];
const blank = (): FlowNode => ({
  id: 'q',
  kind: 'question',
  position: { x: 0, y: 0 },
  question: {
    type: 'single',
    category: 'business',
    content: {
      text: { zh: '', en: '' },
      required: true,
      options: [
        { code: 'a', label: { zh: '', en: '' } },
        { code: 'b', label: { zh: '', en: '' } },
      ],
    },
  },
});

export default function QuestionBankPage() {
  const { questions, categories, filter } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const fetcher = useFetcher<typeof action>();
  const [editing, setEditing] = useState<{ id?: string; node: FlowNode } | null>(null);
  const setFilter = (key: string, value: string | undefined) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(null);
  }, [fetcher.state, fetcher.data]);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : [];
  const save = () => {
    const q = editing?.node.question;
    if (!q) return;
    fetcher.submit(
      {
        intent: 'save',
        ...(editing.id ? { id: editing.id } : {}),
        category: q.category,
        type: q.type,
        content: q.content,
      } as never,
      { method: 'post', encType: 'application/json' },
    );
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>
          <Link to="/questionnaires">{t('questionnaires.list.title')}</Link> / {t('questionnaires.bank.title')}
        </Typography.Title>
        <Button type="primary" data-testid="new-question" onClick={() => setEditing({ node: blank() })}>
          {t('questionnaires.bank.new')}
        </Button>
      </Space>
      <Space wrap>
        <Select
          allowClear
          placeholder={t('questionnaires.bank.category')}
          style={{ width: 160 }}
          value={filter.category}
          onChange={(v) => setFilter('category', v)}
          options={categories.map((c) => ({ value: c, label: t(`questionnaires.categories.${c}`, { defaultValue: c }) }))}
        />
        <Select
          allowClear
          placeholder={t('questionnaires.bank.usage')}
          style={{ width: 160 }}
          value={filter.usage}
          onChange={(v) => setFilter('usage', v)}
          options={['used', 'unused'].map((u) => ({ value: u, label: t(`questionnaires.bank.usages.${u}`) }))}
        />
        <Input.Search
          allowClear
          defaultValue={filter.search}
          placeholder={t('common.search')}
          onSearch={(v) => setFilter('search', v)}
          style={{ width: 240 }}
        />
      </Space>
      <Table<Row>
        rowKey="id"
        dataSource={questions}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('questionnaires.bank.text'),
            key: 'text',
            render: (_: unknown, q) => localText(q.content.text, i18n.language),
          },
          {
            title: t('questionnaires.bank.category'),
            dataIndex: 'category',
            render: (c: string) => <Tag>{t(`questionnaires.categories.${c}`, { defaultValue: c })}</Tag>,
          },
          { title: t('questionnaires.bank.type'), dataIndex: 'type', render: (v: string) => t(`questionnaires.types.${v}`) },
          { title: t('questionnaires.bank.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('questionnaires.bank.uses'), dataIndex: 'uses' },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, q) => (
              <Space>
                <Button
                  size="small"
                  onClick={() =>
                    setEditing({
                      id: q.id,
                      node: {
                        id: 'q',
                        kind: 'question',
                        position: { x: 0, y: 0 },
                        question: { type: q.type, category: q.category, content: q.content },
                      },
                    })
                  }
                >
                  {t('common.edit')}
                </Button>
                <Button
                  size="small"
                  onClick={() =>
                    fetcher.submit(
                      { intent: 'archive', id: q.id, archived: true },
                      { method: 'post', encType: 'application/json' },
                    )
                  }
                >
                  {t('questionnaires.bank.archive')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        width={560}
        title={editing?.id ? t('questionnaires.bank.edit') : t('questionnaires.bank.new')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onOk={save}
        confirmLoading={fetcher.state !== 'idle'}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing?.id ? (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('questionnaires.bank.versionHint')} />
        ) : null}
        {editing ? (
          <>
            <Select
              mode="tags"
              maxCount={1}
              style={{ width: '100%', marginBottom: 8 }}
              value={[editing.node.question?.category ?? 'business']}
              onChange={(v: string[]) => {
                const category = v.at(-1);
                if (category && editing.node.question)
                  setEditing({ ...editing, node: { ...editing.node, question: { ...editing.node.question, category } } });
              }}
              options={categories.map((c) => ({ value: c, label: t(`questionnaires.categories.${c}`, { defaultValue: c }) }))}
              data-testid="bank-category"
            />
            <NodePanel
              bankMode
              node={editing.node}
              edge={null}
              edges={[]}
              scope={NO_SCOPE}
              fields={BANK_FIELDS}
              categories={categories}
              newerBankVersion={null}
              readOnly={false}
              onNode={(_, patch) => setEditing({ ...editing, node: { ...editing.node, ...patch } })}
              onEdge={() => undefined}
              onDeleteEdge={() => undefined}
              onUpdateFromBank={() => undefined}
            />
          </>
        ) : null}
        {errors.map((e) => (
          <Alert
            key={`${e.path}${e.key}`}
            type="error"
            showIcon
            message={`${e.path}: ${t(`questionnaires.${e.key}`, { defaultValue: e.key })}`}
          />
        ))}
      </Modal>
    </Space>
  );
}
