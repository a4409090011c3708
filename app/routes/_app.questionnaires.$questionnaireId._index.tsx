import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Drawer, Input, List, Modal, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { type ComponentType, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { FlowEditorProps } from '../components/questionnaires/FlowEditor';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { diffFlows } from '../modules/questionnaires/diff';
import type { FlowGraph } from '../modules/questionnaires/graph';
import {
  DraftConflict,
  FlowInvalid,
  publish,
  questionnaireContext,
  questionnaireOrNotFound,
  recentVersionGraphs,
  restoreDraft,
  saveDraft,
} from '../modules/questionnaires/questionnaires.server';
import { listQuestions, questionCategories } from '../modules/questionnaires/questions.server';
import type { FlowProblem } from '../modules/questionnaires/validate';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('questionnaires.view', async ({ params, user }) => {
  const q = await questionnaireOrNotFound(params.questionnaireId, user);
  const { project, fields, tags } = await questionnaireContext(q.projectId);
  const bank = await listQuestions();
  return {
    questionnaire: {
      id: q.id,
      name: q.name,
      draft: q.draft,
      revision: q.draftRevision,
      latestVersion: q.latestVersion,
      projectName: project.name,
    },
    versions: q.versions,
    graphs: await recentVersionGraphs(q.id),
    fields,
    tags,
    bank: bank.map(({ id, category, type, version, content }) => ({ id, category, type, version, content })),
    categories: await questionCategories(),
    canManage: can(user.role, 'questionnaires.manage'),
    timeZone: user.timeZone,
  };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('save'), graph: z.unknown(), revision: z.number().int(), name: z.string().max(100).optional() }),
  z.object({ intent: z.literal('publish'), revision: z.number().int(), note: z.string().max(500).default('') }),
  z.object({ intent: z.literal('restore'), versionId: z.string().uuid(), revision: z.number().int() }),
]);

export const action = withPermission('questionnaires.manage', async ({ request, params, user }) => {
  const q = await questionnaireOrNotFound(params.questionnaireId, user);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, error: 'invalid' as const };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    const input = parsed.data;
    if (input.intent === 'save') return { ok: true as const, intent: 'save' as const, ...(await saveDraft(actor, q.id, input)) };
    if (input.intent === 'restore')
      return {
        ok: true as const,
        intent: 'restore' as const,
        ...(await restoreDraft(actor, q.id, input.versionId, input.revision)),
      };
    const version = await publish(actor, q.id, input);
    return { ok: true as const, intent: 'publish' as const, version: version.version };
  } catch (error) {
    if (error instanceof DraftConflict) return { ok: false as const, error: 'conflict' as const };
    if (error instanceof FlowInvalid) return { ok: false as const, error: 'invalidFlow' as const, problems: error.problems };
    throw error;
  }
});

export default function QuestionnaireEditorPage() {
  const data = useLoaderData<typeof loader>();
  const { questionnaire: q } = data;
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [Editor, setEditor] = useState<ComponentType<FlowEditorProps> | null>(null);
  const [revision, setRevision] = useState(q.revision);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<FlowProblem[]>([]);
  const [publishOpen, setPublishOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [note, setNote] = useState('');
  const [editorKey, setEditorKey] = useState(0);
  const [initial, setInitial] = useState<FlowGraph>(q.draft);
  const latest = useRef<FlowGraph>(q.draft);

  useEffect(() => {
    void import('../components/questionnaires/FlowEditor').then((m) => setEditor(() => m.default));
  }, []);
  const onChange = useCallback((graph: FlowGraph, found: FlowProblem[]) => {
    if (graph !== latest.current) setDirty(true);
    latest.current = graph;
    setProblems(found);
  }, []);

  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    const result = fetcher.data;
    if (result.ok && result.intent === 'publish') {
      setPublishOpen(false);
      setNote('');
      void message.success(t('questionnaires.editor.published', { version: result.version }));
    } else if (result.ok) {
      setRevision(result.revision);
      setDirty(false);
      if (result.intent === 'restore') {
        setHistoryOpen(false);
        setEditorKey((k) => k + 1);
      } else void message.success(t('questionnaires.editor.saved'));
    } else if (result.error === 'conflict') void message.error(t('questionnaires.editor.conflict'));
    else if (result.error === 'invalidFlow') void message.error(t('questionnaires.editor.cannotPublish'));
  }, [fetcher.state, fetcher.data, message, t]);

  const submit = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)), { method: 'post', encType: 'application/json' });
  const save = () => submit({ intent: 'save', graph: latest.current, revision });
  const restore = (versionId: string) => {
    const v = data.graphs.find((g) => g.id === versionId);
    if (v) {
      latest.current = v.graph;
      setInitial(v.graph);
    }
    submit({ intent: 'restore', versionId, revision });
  };
  const readOnly = !data.canManage;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="small">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space>
          <Typography.Title level={4} style={{ margin: 0 }}>
            <Link to="/questionnaires">{t('questionnaires.list.title')}</Link> / {q.name}
          </Typography.Title>
          <Tag>{q.projectName}</Tag>
          {q.latestVersion ? <Tag color="green">v{q.latestVersion}</Tag> : <Tag>{t('questionnaires.list.unpublished')}</Tag>}
          {dirty ? <Tag color="orange">{t('questionnaires.editor.unsaved')}</Tag> : null}
        </Space>
        <Space>
          <Link to={`/questionnaires/${q.id}/stats`}>
            <Button>{t('questionnaires.stats.title')}</Button>
          </Link>
          <Button onClick={() => setHistoryOpen(true)} data-testid="open-history">
            {t('questionnaires.editor.history', { count: data.versions.length })}
          </Button>
          {readOnly ? null : (
            <>
              <Button onClick={save} loading={fetcher.state !== 'idle'} disabled={!dirty} data-testid="save-draft">
                {t('questionnaires.editor.save')}
              </Button>
              <Tooltip
                title={
                  problems.length
                    ? t('questionnaires.editor.fixFirst', { count: problems.length })
                    : dirty
                      ? t('questionnaires.editor.saveFirst')
                      : ''
                }
              >
                <Button
                  type="primary"
                  disabled={problems.length > 0 || dirty}
                  onClick={() => setPublishOpen(true)}
                  data-testid="publish"
                >
                  {t('questionnaires.editor.publish')}
                </Button>
              </Tooltip>
            </>
          )}
        </Space>
      </Space>
      {readOnly ? <Alert type="info" showIcon message={t('questionnaires.editor.readOnly')} /> : null}
      {Editor ? (
        <Editor
          key={editorKey}
          initial={initial}
          fields={data.fields}
          knownTags={data.tags}
          bank={data.bank}
          categories={data.categories}
          readOnly={readOnly}
          onChange={onChange}
        />
      ) : (
        <Skeleton active />
      )}
      <Modal
        open={publishOpen}
        title={t('questionnaires.editor.publishTitle', { version: q.latestVersion + 1 })}
        okText={t('questionnaires.editor.publish')}
        okButtonProps={{ 'data-testid': 'confirm-publish' } as never}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onOk={() => submit({ intent: 'publish', revision, note })}
        onCancel={() => setPublishOpen(false)}
      >
        <Typography.Paragraph type="secondary">{t('questionnaires.editor.publishHint')}</Typography.Paragraph>
        <Input.TextArea
          rows={2}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('questionnaires.editor.note')}
        />
      </Modal>
      <Drawer title={t('questionnaires.editor.historyTitle')} open={historyOpen} onClose={() => setHistoryOpen(false)} size={480}>
        <List
          dataSource={data.versions}
          locale={{ emptyText: t('questionnaires.list.unpublished') }}
          renderItem={(v) => {
            const graph = data.graphs.find((g) => g.id === v.id)?.graph;
            const previous = data.graphs.find((g) => g.version === v.version - 1)?.graph;
            const diff = graph && previous ? diffFlows(previous, graph) : null;
            return (
              <List.Item
                data-testid={`version-${v.version}`}
                actions={
                  readOnly
                    ? []
                    : [
                        <Button key="restore" size="small" onClick={() => restore(v.id)}>
                          {t('questionnaires.editor.restore')}
                        </Button>,
                      ]
                }
              >
                <List.Item.Meta
                  title={
                    <Space>
                      <Tag color="green">v{v.version}</Tag>
                      {formatDateTime(v.publishedAt, data.timeZone, i18n.language)}
                      <Typography.Text type="secondary">{v.publishedBy}</Typography.Text>
                    </Space>
                  }
                  description={
                    <Space orientation="vertical" size={0}>
                      {v.note ? <span>{v.note}</span> : null}
                      {diff ? (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('questionnaires.editor.diff', {
                            added: diff.nodes.added.join(', ') || '—',
                            removed: diff.nodes.removed.join(', ') || '—',
                            changed: diff.nodes.changed.join(', ') || '—',
                            edges: diff.edges.added.length + diff.edges.removed.length + diff.edges.changed.length,
                          })}
                        </Typography.Text>
                      ) : null}
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Drawer>
    </Space>
  );
}
