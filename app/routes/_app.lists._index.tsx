import { Link, useLoaderData } from '@remix-run/react';
import { Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectIds } from '../modules/auth/project-access';
import { listProjects } from '../modules/projects/projects.server';

// 名单: each project's contact list, one click away.
export const loader = withPermission('lists.view', async ({ user }) => ({
  projects: await listProjects(visibleProjectIds(user)),
}));

export default function ListsPage() {
  const { projects } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('nav.lists')}</Typography.Title>
        <Space>
          <Link to="/lists/tags">{t('lists.tagCatalogue.title')}</Link>
          <Link to="/lists/dnc">{t('lists.dnc.title')}</Link>
        </Space>
      </Space>
      <Table
        rowKey="id"
        dataSource={projects}
        pagination={false}
        columns={[
          {
            title: t('lists.projects.name'),
            dataIndex: 'name',
            render: (name: string, row) => <Link to={`/projects/${row.id}/contacts`}>{name}</Link>,
          },
          { title: t('lists.projects.type'), dataIndex: 'type', render: (type: string) => t(`lists.projects.types.${type}`) },
          { title: t('lists.projects.contacts'), dataIndex: 'contacts' },
          { title: '', render: (_, row) => <Link to={`/projects/${row.id}/import`}>{t('lists.projects.tabs.import')}</Link> },
        ]}
      />
    </>
  );
}
