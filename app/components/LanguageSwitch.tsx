import { useFetcher } from '@remix-run/react';
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';

export function LanguageSwitch({ language }: { language: string }) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  return (
    <Segmented
      aria-label={t('common.language')}
      size="small"
      value={language}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
      onChange={(value) => fetcher.submit({ language: String(value) }, { method: 'post', action: '/set-language' })}
      data-testid="language-switch"
    />
  );
}
