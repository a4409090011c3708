import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import {
  deleteSkillGroup,
  listAgents,
  listSkillGroups,
  SkillGroupError,
  SkillGroupSchema,
  saveSkillGroup,
} from '../modules/projects/skill-groups.server';

export const loader = withPermission('projects.manage', async () => ({
  groups: await listSkillGroups(),
  agents: await listAgents(),
}));

const Intent = z.discriminatedUnion('intent', [
  SkillGroupSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('delete'), id: z.string().uuid() }),
]);

export const action = withPermission('projects.manage', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, error: 'skills.invalid' };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    if (parsed.data.intent === 'delete') await deleteSkillGroup(actor, parsed.data.id);
    else await saveSkillGroup(actor, parsed.data);
    return { ok: true as const };
  } catch (error) {
    if (error instanceof SkillGroupError) return { ok: false as const, error: error.code };
    throw error;
  }
});

type Group = ReturnType<typeof useLoaderData<typeof loader>>['groups'][number];
type Member = Group['members'][number];

export default function SkillGroupsPage() {
  const { groups, agents } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const [editing, setEditing] = useState<{ id?: string; name: string; description: string; members: Member[] } | null>(null);
  const agentName = (id: string) => agents.find((a) => a.id === id)?.displayName ?? id;

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(null);
  }, [fetcher.state, fetcher.data]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('nav.skills')}</Typography.Title>
        <Button type="primary" onClick={() => setEditing({ name: '', description: '', members: [] })} data-testid="new-group">
          {t('lists.skills.new')}
        </Button>
      </Space>
      <Table
        rowKey="id"
        dataSource={groups}
        pagination={false}
        columns={[
          { title: t('lists.skills.name'), dataIndex: 'name' },
          { title: t('lists.skills.description'), dataIndex: 'description' },
          {
            title: t('lists.skills.members'),
            dataIndex: 'members',
            render: (members: Member[]) =>
              members.map((m) => <Tag key={m.userId}>{`${agentName(m.userId)} · ${'★'.repeat(m.proficiency)}`}</Tag>),
          },
          {
            render: (_, g) => (
              <Space>
                <Button size="small" onClick={() => setEditing(g)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('lists.skills.deleteConfirm')}
                  onConfirm={() =>
                    fetcher.submit({ intent: 'delete', id: g.id }, { method: 'post', encType: 'application/json' })
                  }
                >
                  <Button size="small" danger>
                    {t('lists.skills.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing ? (
        <Card title={editing.id ? editing.name : t('lists.skills.new')}>
          <Form layout="vertical">
            <Form.Item label={t('lists.skills.name')}>
              <Input
                value={editing.name}
                onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                data-testid="group-name"
              />
            </Form.Item>
            <Form.Item label={t('lists.skills.description')}>
              <Input value={editing.description} onChange={(e) => setEditing({ ...editing, description: e.target.value })} />
            </Form.Item>
            <Form.Item label={t('lists.skills.members')}>
              <Select
                mode="multiple"
                showSearch
                optionFilterProp="label"
                value={editing.members.map((m) => m.userId)}
                options={agents.map((a) => ({ value: a.id, label: `${a.displayName} (${a.login})` }))}
                onChange={(ids: string[]) =>
                  setEditing({
                    ...editing,
                    members: ids.map((id) => editing.members.find((m) => m.userId === id) ?? { userId: id, proficiency: 3 }),
                  })
                }
                data-testid="group-members"
              />
            </Form.Item>
            {editing.members.map((m) => (
              <Space key={m.userId} style={{ marginBottom: 8 }}>
                <Typography.Text style={{ width: 200, display: 'inline-block' }}>{agentName(m.userId)}</Typography.Text>
                <Typography.Text type="secondary">{t('lists.skills.proficiency')}</Typography.Text>
                <InputNumber
                  min={1}
                  max={5}
                  value={m.proficiency}
                  onChange={(v) =>
                    setEditing({
                      ...editing,
                      members: editing.members.map((x) => (x.userId === m.userId ? { ...x, proficiency: v ?? 3 } : x)),
                    })
                  }
                />
              </Space>
            ))}
          </Form>
          {fetcher.data && !fetcher.data.ok ? (
            <Alert type="error" showIcon message={t(`lists.${fetcher.data.error}`)} style={{ marginBottom: 12 }} />
          ) : null}
          <Space>
            <Button
              type="primary"
              loading={fetcher.state !== 'idle'}
              onClick={() => fetcher.submit({ intent: 'save', ...editing }, { method: 'post', encType: 'application/json' })}
              data-testid="save-group"
            >
              {t('common.save')}
            </Button>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
          </Space>
        </Card>
      ) : null}
    </Space>
  );
}
