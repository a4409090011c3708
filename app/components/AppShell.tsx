import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  ContactsOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  FileDoneOutlined,
  FormOutlined,
  FunctionOutlined,
  HeartOutlined,
  LogoutOutlined,
  MonitorOutlined,
  PhoneOutlined,
  ProjectOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  SettingOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Link, useLocation, useSubmit } from '@remix-run/react';
import { Avatar, Dropdown, Layout, Menu, type MenuProps, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './monitoring/NotificationBell';
import type { NavItem } from './navigation';

const ICONS: Record<string, ReactNode> = {
  workstation: <CustomerServiceOutlined />,
  dashboard: <DashboardOutlined />,
  projects: <ProjectOutlined />,
  lists: <ContactsOutlined />,
  tasks: <ScheduleOutlined />,
  questionnaires: <FormOutlined />,
  dialing: <PhoneOutlined />,
  wrapup: <FileDoneOutlined />,
  monitoring: <MonitorOutlined />,
  performance: <TrophyOutlined />,
  reports: <BarChartOutlined />,
  config: <SettingOutlined />,
  users: <TeamOutlined />,
  skills: <TeamOutlined />,
  plugins: <ApiOutlined />,
  rules: <FunctionOutlined />,
  health: <HeartOutlined />,
  alerts: <AlertOutlined />,
  alertRules: <SafetyOutlined />,
  audit: <AuditOutlined />,
};

type MenuItem = Required<MenuProps>['items'][number];

function toMenu(items: NavItem[], t: (key: string) => string): MenuItem[] {
  return items.map((item) =>
    item.children
      ? {
          key: item.path,
          icon: ICONS[item.key],
          label: t(`nav.${item.key}`),
          children: [
            { key: item.path, icon: ICONS[item.key], label: <Link to={item.path}>{t(`nav.${item.key}`)}</Link> },
            ...toMenu(item.children, t),
          ],
        }
      : { key: item.path, icon: ICONS[item.key], label: <Link to={item.path}>{t(`nav.${item.key}`)}</Link> },
  );
}

function selectedKey(pathname: string, items: NavItem[]): string[] {
  const all = items.flatMap((i) => [i, ...(i.children ?? [])]);
  const best = all
    .filter((i) => pathname === i.path || pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return best ? [best.path] : [];
}

export function AppShell(props: {
  navigation: NavItem[];
  user: { displayName: string; role: string };
  language: string;
  children: ReactNode;
  /** Screens that need every pixel (the agent workstation): tight margins. */
  compact?: boolean;
  /** Users who watch monitoring (monitoring.view) get the alerts bell. */
  bell?: boolean;
}) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const submit = useSubmit();
  const selected = selectedKey(pathname, props.navigation);
  const openParents = props.navigation.filter((i) => i.children && selected[0]?.startsWith(i.path)).map((i) => i.path);

  const userMenu: MenuProps['items'] = [
    { key: 'account', icon: <UserOutlined />, label: <Link to="/account">{t('nav.account')}</Link> },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: t('login.signOut'),
      onClick: () => submit(null, { method: 'post', action: '/logout' }),
    },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={216} theme="dark" breakpoint="lg" collapsedWidth={64}>
        <Link to="/" style={{ display: 'flex', alignItems: 'center', gap: 10, padding: '18px 20px', color: '#fff' }}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
            {t('app.name')}
          </Typography.Text>
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected}
          defaultOpenKeys={openParents}
          items={toMenu(props.navigation, t)}
          data-testid="side-nav"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 16,
            padding: '0 24px',
          }}
        >
          {props.bell ? <NotificationBell /> : null}
          <LanguageSwitch language={props.language} />
          <Dropdown menu={{ items: userMenu }} trigger={['click']}>
            <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
              <Avatar size="small" icon={<UserOutlined />} />
              <span>{props.user.displayName}</span>
              <Typography.Text type="secondary">{t(`roles.${props.user.role}`)}</Typography.Text>
            </Space>
          </Dropdown>
        </Layout.Header>
        <Layout.Content style={{ margin: props.compact ? 12 : 24 }}>{props.children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
