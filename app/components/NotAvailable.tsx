import { Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The honest empty state of a module that is not built yet. */
export function NotAvailable({ moduleKey }: { moduleKey: string }) {
  const { t } = useTranslation();
  const name = t(`nav.${moduleKey}`);
  return (
    <Empty
      style={{ marginTop: 80 }}
      description={
        <div style={{ maxWidth: 520, margin: '0 auto' }}>
          <Typography.Title level={4} data-testid="not-available">
            {t('notAvailable.title', { module: name })}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('notAvailable.body')}</Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text strong>{t('notAvailable.planned')}: </Typography.Text>
            {t(`modules.${moduleKey}`)}
          </Typography.Paragraph>
        </div>
      }
    />
  );
}
