import { AppShell, Avatar, Badge, Burger, Group, Menu, NavLink, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAddressBook,
  IconBuilding,
  IconChevronDown,
  IconFlag,
  IconHome,
  IconInbox,
  IconKey,
  IconListDetails,
  IconLogout,
  IconPackage,
  IconRoute,
  IconShieldLock,
  IconStack2,
  IconUser,
  IconUsers,
  IconUsersGroup,
  IconBriefcase,
  IconMailForward,
  IconTemplate,
  IconMoodSmile,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { errorMessage, roleLabel } from '../api';
import { isAdmin, useMe, useSignOut } from '../auth';
import { useMyQueues } from '../cases/lookups';
import { GlobalSearch } from './GlobalSearch';
import { initials } from './ListPage';
import { NotificationsMenu } from './NotificationsMenu';
import { IconAdjustments, IconChecks, IconFileCode, IconFiles, IconFileText } from '@tabler/icons-react';
import { IconAlarm, IconBook2, IconCalendarTime, IconClockCheck } from '@tabler/icons-react';
import { ReviewCount } from '../reviews/ReviewListPages';


interface NavItemProps {
  to: string;
  label: string;
  icon: React.ReactNode;
  /** Active only on this very path, not below it. */
  exact?: boolean;
  /** Other paths that belong to this entry. */
  also?: string[];
  badge?: React.ReactNode;
}

function NavItem({ to, label, icon, exact, also = [], badge }: NavItemProps) {
  const { pathname } = useLocation();
  const active = [to, ...also].some((p) => pathname === p || (!exact && p !== '/' && pathname.startsWith(`${p}/`)));
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      leftSection={icon}
      rightSection={badge}
      active={active}
      aria-current={active ? 'page' : undefined}
      variant="light"
      styles={{ root: { borderRadius: 'var(--mantine-radius-sm)' }, label: { fontSize: 13 } }}
    />
  );
}

function NavSection({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `nav-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <Text id={id} component="h2" size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4} style={{ letterSpacing: 0.4 }}>
        {title}
      </Text>
      <Stack gap={2}>{children}</Stack>
    </section>
  );
}

/** One entry per queue the user belongs to, with how many cases wait in it unassigned. */
function QueueNav() {
  const { data: queues, isError } = useMyQueues();
  if (isError) return null;
  if (!queues?.length) {
    return (
      <Text size="xs" c="dimmed" px="sm" py={4}>
        {queues ? 'You are in no queue.' : 'Loading queues…'}
      </Text>
    );
  }
  return (
    <>
      {queues.map((q) => (
        <NavItem
          key={q.id}
          to={`/queues/${q.id}`}
          label={q.name}
          icon={<IconStack2 size={16} />}
          badge={
            q.waitingCount > 0 ? (
              <Badge size="sm" variant="light" color="indigo" circle={q.waitingCount < 10} aria-label={`${q.waitingCount} waiting`}>
                {q.waitingCount}
              </Badge>
            ) : undefined
          }
        />
      ))}
    </>
  );
}

export function AppFrame() {
  const { data: me } = useMe();
  const [opened, { toggle, close }] = useDisclosure(false);
  const signOut = useSignOut();
  const admin = isAdmin(me);
  if (!me) return null;

  const onSignOut = () => {
    signOut('/login').catch((e) => notifications.show({ color: 'red', title: 'Sign out failed', message: errorMessage(e) }));
  };

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 224, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Group gap={8} wrap="nowrap" renderRoot={(props) => <Link to="/" {...props} />} style={{ textDecoration: 'none', color: 'inherit' }} aria-label="Casebook home">
              <IconBriefcase size={22} stroke={1.8} color="var(--mantine-color-indigo-7)" aria-hidden />
              <Text fw={700} size="lg" c="indigo.9">
                Casebook
              </Text>
            </Group>
          </Group>
          <GlobalSearch />
          <Group gap={6} wrap="nowrap">
            <NotificationsMenu />
            <Menu position="bottom-end" width={240} withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={`User menu for ${me.name}`} px={6} py={4} style={{ borderRadius: 6 }}>
                  <Group gap={8} wrap="nowrap">
                    <Avatar size={28} radius="xl" color="indigo" aria-hidden>
                      {initials(me.name)}
                    </Avatar>
                    <Text size="sm" fw={500} data-testid="current-user-name">
                      {me.name}
                    </Text>
                    <IconChevronDown size={14} aria-hidden />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  <Text size="sm" fw={600} c="dark">
                    {me.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {me.email}
                  </Text>
                  <Group gap={4} mt={6}>
                    {me.roles.map((r) => (
                      <Badge key={r} size="xs" variant="light" color="gray">
                        {roleLabel(r)}
                      </Badge>
                    ))}
                  </Group>
                </Menu.Label>
                <Menu.Divider />
                <Menu.Item component={Link} to="/tokens" leftSection={<IconKey size={16} />}>
                  API tokens
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={onSignOut}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea} onClick={close}>
          <NavSection title="Cases">
            <NavItem to="/" label="Home" icon={<IconHome size={16} />} exact />
            <NavItem to="/cases/mine" label="My cases" icon={<IconUser size={16} />} also={['/cases/mine/resolved']} exact />
            <NavItem to="/cases" label="All cases" icon={<IconListDetails size={16} />} exact />
            <NavItem to="/cases/sla/breached" label="Breached / at risk" icon={<IconAlarm size={16} />} also={['/cases/sla/at-risk']} />
          </NavSection>
          <NavSection title="Queues">
            <QueueNav />
          </NavSection>
          <NavSection title="Reviews">
            <NavItem to="/reviews/mine" label="My reviews" icon={<IconFileText size={16} />} badge={<ReviewCount of="mine" />} />
            <NavItem to="/reviews/approvals" label="My approvals" icon={<IconChecks size={16} />} badge={<ReviewCount of="approvals" />} />
            <NavItem to="/reviews" label="All reviews" icon={<IconFiles size={16} />} exact />
          </NavSection>
          <Stack gap={2} mt="md">
            <NavItem to="/knowledge" label="Knowledge" icon={<IconBook2 size={16} />} />
          </Stack>
          <NavSection title="Customers">
            <NavItem to="/customers/accounts" label="Accounts" icon={<IconBuilding size={16} />} />
            <NavItem to="/customers/contacts" label="Contacts" icon={<IconAddressBook size={16} />} />
            <NavItem to="/customers/assets" label="Assets" icon={<IconPackage size={16} />} />
          </NavSection>
          {admin && (
            <NavSection title="Admin">
              <NavItem to="/admin/users" label="Users" icon={<IconUsers size={16} />} />
              <NavItem to="/admin/groups" label="Groups" icon={<IconUsersGroup size={16} />} />
              <NavItem to="/admin/statuses" label="Statuses" icon={<IconFlag size={16} />} />
              <NavItem to="/admin/processes" label="Processes" icon={<IconRoute size={16} />} />
              <NavItem to="/admin/queues" label="Queues" icon={<IconInbox size={16} />} />
              <NavItem to="/admin/calendars" label="Business calendars" icon={<IconCalendarTime size={16} />} />
              <NavItem to="/admin/sla-policies" label="SLA policies" icon={<IconClockCheck size={16} />} />
              <NavItem to="/admin/review-configurations" label="Review configurations" icon={<IconAdjustments size={16} />} />
              <NavItem to="/admin/document-templates" label="Document templates" icon={<IconFileCode size={16} />} />
              <NavItem to="/admin/outbox" label="Outbox" icon={<IconMailForward size={16} />} />
              <NavItem to="/admin/email-templates" label="Email templates" icon={<IconTemplate size={16} />} />
              <NavItem to="/admin/satisfaction-levels" label="Satisfaction levels" icon={<IconMoodSmile size={16} />} />
            </NavSection>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <NavItem to="/tokens" label="API tokens" icon={<IconShieldLock size={16} />} />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
