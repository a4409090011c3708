import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import dialingEn from './locales/dialing/en.json';
import dialingZhCN from './locales/dialing/zh-CN.json';
import en from './locales/en.json';
import listsEn from './locales/lists/en.json';
import listsZhCN from './locales/lists/zh-CN.json';
import monitoringEn from './locales/monitoring/en.json';
import monitoringZhCN from './locales/monitoring/zh-CN.json';
import performanceEn from './locales/performance/en.json';
import performanceZhCN from './locales/performance/zh-CN.json';
import pluginsEn from './locales/plugins/en.json';
import pluginsZhCN from './locales/plugins/zh-CN.json';
import questionnairesEn from './locales/questionnaires/en.json';
import questionnairesZhCN from './locales/questionnaires/zh-CN.json';
import reportsEn from './locales/reports/en.json';
import reportsZhCN from './locales/reports/zh-CN.json';
import rulesEn from './locales/rules/en.json';
import rulesZhCN from './locales/rules/zh-CN.json';
import tasksEn from './locales/tasks/en.json';
import tasksZhCN from './locales/tasks/zh-CN.json';
import telephonyEn from './locales/telephony/en.json';
import telephonyZhCN from './locales/telephony/zh-CN.json';
import workstationEn from './locales/workstation/en.json';
import workstationZhCN from './locales/workstation/zh-CN.json';
import wrapupEn from './locales/wrapup/en.json';
import wrapupZhCN from './locales/wrapup/zh-CN.json';
import zhCN from './locales/zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

// Both languages ship with the page: together they are a few kilobytes. A module with many
// strings keeps them in its own file under locales/<module>/, mounted under its key.
export const resources = {
  'zh-CN': {
    translation: {
      ...zhCN,
      rules: rulesZhCN,
      plugins: pluginsZhCN,
      lists: listsZhCN,
      questionnaires: questionnairesZhCN,
      tasks: tasksZhCN,
      dialing: dialingZhCN,
      workstation: workstationZhCN,
      wrapup: wrapupZhCN,
      performance: performanceZhCN,
      telephony: telephonyZhCN,
      monitoring: monitoringZhCN,
      reports: reportsZhCN,
    },
  },
  en: {
    translation: {
      ...en,
      rules: rulesEn,
      plugins: pluginsEn,
      lists: listsEn,
      questionnaires: questionnairesEn,
      tasks: tasksEn,
      dialing: dialingEn,
      workstation: workstationEn,
      wrapup: wrapupEn,
      performance: performanceEn,
      telephony: telephonyEn,
      monitoring: monitoringEn,
      reports: reportsEn,
    },
  },
} as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function createI18n(lng: Language): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    resources,
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}
