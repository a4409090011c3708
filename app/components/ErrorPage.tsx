import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** 403, 404 and unexpected errors as a page, never a crash or a stack trace. */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  const back = (
    <Link to="/">
      <Button type="primary">{t('common.back')}</Button>
    </Link>
  );
  if (isRouteErrorResponse(error) && error.status === 403) {
    const permission = (error.data as { permission?: string } | null)?.permission ?? '';
    return (
      <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('errors.forbidden', { permission })} extra={back} />
    );
  }
  if (isRouteErrorResponse(error) && error.status === 404) {
    return <Result status="404" title={t('errors.notFoundTitle')} subTitle={t('errors.notFound')} extra={back} />;
  }
  return <Result status="500" title={t('errors.genericTitle')} subTitle={t('errors.generic')} extra={back} />;
}
