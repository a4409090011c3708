import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Card, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ConditionBuilder, EMPTY_CONDITION, FormulaEditor, RuleErrors } from '../components/rules';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { contactScope } from '../modules/lists/contact-scope';
import { sampleRuleRows } from '../modules/lists/contacts.server';
import { deleteProduct, listProducts, ProductInvalid, ProductSchema, saveProduct } from '../modules/projects/products.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import type { Condition, RuleError } from '../rules';

export const loader = withPermission('projects.view', async ({ params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const { scope } = contactScope(project.fields);
  const keys = scope.fields.map((f) => f.name).filter((n) => !['tags', 'status', 'attempts', 'dnc', 'consent'].includes(n));
  return { products: await listProducts(project.id), scope, samples: await sampleRuleRows(project.id, keys), type: project.type };
});

const Intent = z.discriminatedUnion('intent', [
  ProductSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('delete'), id: z.string().uuid() }),
]);

export const action = withPermission('projects.manage', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, field: 'form', errors: [] as RuleError[] };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    if (parsed.data.intent === 'delete') await deleteProduct(actor, project.id, parsed.data.id);
    else await saveProduct(actor, project.id, parsed.data);
    return { ok: true as const };
  } catch (error) {
    if (error instanceof ProductInvalid) return { ok: false as const, field: error.field, errors: error.errors };
    throw error;
  }
});

type Product = ReturnType<typeof useLoaderData<typeof loader>>['products'][number];
const BLANK = {
  code: '',
  name: '',
  price: '',
  description: '',
  link: '',
  eligibility: EMPTY_CONDITION as Condition,
  rankFormula: '0',
  active: true,
};

export default function ProductsPage() {
  const { products, scope, samples, type } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const [editing, setEditing] = useState<(typeof BLANK & { id?: string }) | null>(null);
  const [rows, setRows] = useState(samples);

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(null);
  }, [fetcher.state, fetcher.data]);

  const edit = (p: Product) => setEditing({ ...p, link: p.link ?? '', eligibility: p.eligibility });
  const save = () =>
    editing &&
    fetcher.submit(JSON.parse(JSON.stringify({ intent: 'save', ...editing, link: editing.link || null })), {
      method: 'post',
      encType: 'application/json',
    });
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {type !== 'sales' ? <Alert type="info" showIcon message={t('lists.products.salesOnly')} /> : null}
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Paragraph type="secondary">{t('lists.products.help')}</Typography.Paragraph>
        <Button type="primary" onClick={() => setEditing({ ...BLANK })} data-testid="new-product">
          {t('lists.products.new')}
        </Button>
      </Space>
      <Table<Product>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={products}
        columns={[
          { title: t('lists.products.code'), dataIndex: 'code' },
          { title: t('lists.products.name'), dataIndex: 'name' },
          { title: t('lists.products.price'), dataIndex: 'price' },
          {
            title: t('lists.products.rank'),
            dataIndex: 'rankFormula',
            render: (f: string) => <Typography.Text code>{f}</Typography.Text>,
          },
          {
            title: t('lists.products.active'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>),
          },
          {
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => edit(p)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('lists.products.deleteConfirm')}
                  onConfirm={() =>
                    fetcher.submit({ intent: 'delete', id: p.id }, { method: 'post', encType: 'application/json' })
                  }
                >
                  <Button size="small" danger>
                    {t('lists.products.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing ? (
        <Card title={editing.id ? editing.name : t('lists.products.new')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Input
                addonBefore={t('lists.products.code')}
                value={editing.code}
                onChange={(e) => setEditing({ ...editing, code: e.target.value })}
                style={{ width: 220 }}
              />
              <Input
                addonBefore={t('lists.products.name')}
                value={editing.name}
                onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                style={{ width: 280 }}
              />
              <Input
                addonBefore={t('lists.products.price')}
                value={editing.price}
                onChange={(e) => setEditing({ ...editing, price: e.target.value })}
                style={{ width: 200 }}
              />
              <Switch checked={editing.active} onChange={(active) => setEditing({ ...editing, active })} />{' '}
              {t('lists.products.active')}
            </Space>
            <Input
              addonBefore={t('lists.products.link')}
              value={editing.link}
              onChange={(e) => setEditing({ ...editing, link: e.target.value })}
            />
            <Input.TextArea
              rows={2}
              placeholder={t('lists.products.description')}
              value={editing.description}
              onChange={(e) => setEditing({ ...editing, description: e.target.value })}
            />
            <Typography.Text strong>{t('lists.products.eligibility')}</Typography.Text>
            <ConditionBuilder
              scope={scope}
              value={editing.eligibility}
              onChange={(eligibility) => setEditing({ ...editing, eligibility })}
              samples={rows}
              onSamplesChange={(r) => setRows(r as typeof rows)}
            />
            <Typography.Text strong>{t('lists.products.rank')}</Typography.Text>
            <FormulaEditor
              scope={scope}
              value={editing.rankFormula}
              onChange={(rankFormula) => setEditing({ ...editing, rankFormula })}
              expect="number"
              samples={rows}
            />
            {failure ? <Alert type="error" showIcon message={t(`lists.products.invalid.${failure.field}`)} /> : null}
            {failure?.errors.length ? <RuleErrors errors={failure.errors} /> : null}
            <Space>
              <Button type="primary" loading={fetcher.state !== 'idle'} onClick={save} data-testid="save-product">
                {t('common.save')}
              </Button>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            </Space>
          </Space>
        </Card>
      ) : null}
    </Space>
  );
}
