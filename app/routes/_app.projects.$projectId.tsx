import { Link, Outlet, useLoaderData, useLocation } from '@remix-run/react';
import { Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

export const loader = withPermission('projects.view', async ({ params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  return {
    project: {
      id: project.id,
      name: project.name,
      type: project.type,
      status: project.status,
      rulesVersion: project.rulesVersion,
    },
  };
});

const TABS = ['settings', 'contacts', 'import', 'tags', 'products', 'keys'] as const;

export default function ProjectLayout() {
  const { project } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const active = TABS.find((tab) => pathname.endsWith(`/${tab}`)) ?? 'settings';
  return (
    <>
      <Typography.Title level={3}>
        {project.name} <Tag>{t(`lists.projects.types.${project.type}`)}</Tag>
        <Tag color={project.status === 'active' ? 'green' : 'default'}>{t(`lists.projects.statuses.${project.status}`)}</Tag>
      </Typography.Title>
      <Tabs
        activeKey={active}
        items={TABS.map((tab) => ({
          key: tab,
          label: (
            <Link to={tab === 'settings' ? `/projects/${project.id}` : `/projects/${project.id}/${tab}`}>
              {t(`lists.projects.tabs.${tab}`)}
            </Link>
          ),
        }))}
      />
      <Outlet />
    </>
  );
}
