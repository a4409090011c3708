import { Link, useLoaderData } from '@remix-run/react';
import { Card, Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { NAVIGATION, navigationFor } from '../components/navigation';
import { withPermission } from '../modules/auth/guard.server';

export const loader = withPermission('config.view', ({ user }) => ({
  pages: navigationFor(user.role, NAVIGATION.find((n) => n.key === 'config')?.children ?? []),
}));

export default function ConfigIndex() {
  const { pages } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={3}>{t('nav.config')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('modules.config')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {pages.map((page) => (
          <Col xs={24} md={8} key={page.key}>
            <Link to={page.path}>
              <Card hoverable title={t(`nav.${page.key}`)} />
            </Link>
          </Col>
        ))}
      </Row>
    </>
  );
}
