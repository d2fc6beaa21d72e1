import type { ReactNode } from 'react';
import { ActionIcon, Anchor, Badge, Box, Button, Container, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBook2, IconBriefcase, IconChevronLeft, IconLogout } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { useSignOut } from '../auth';
import { PHASES, type Phase } from './portalApi';
import './portal.css';

/** The portal's frame: a light header with the brand and Sign out, and the page in a column. */
export function PortalShell({ children, size = 'lg' }: { children: ReactNode; size?: 'md' | 'lg' }) {
  const signOut = useSignOut();
  const onSignOut = () => {
    signOut('/portal/login').catch((e) => notifications.show({ color: 'red', title: 'Sign out failed', message: errorMessage(e) }));
  };
  return (
    <Box className="cb-portal-bg">
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Container size={size} py="sm">
          <Group justify="space-between" wrap="nowrap">
            <Group gap={8} wrap="nowrap" renderRoot={(props) => <Link to="/portal" {...props} />} style={{ textDecoration: 'none' }} aria-label="Casebook customer support, my cases">
              <IconBriefcase size={24} stroke={1.8} color="var(--mantine-color-indigo-7)" aria-hidden />
              <Text fw={700} size="lg" c="indigo.9">
                Casebook
              </Text>
              <Text size="sm" c="dimmed" visibleFrom="xs">
                Customer support
              </Text>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Button component={Link} to="/portal/knowledge" variant="subtle" leftSection={<IconBook2 size={16} />} visibleFrom="sm">
                Help articles
              </Button>
              <ActionIcon component={Link} to="/portal/knowledge" variant="subtle" size="lg" aria-label="Help articles" hiddenFrom="sm">
                <IconBook2 size={18} />
              </ActionIcon>
              <Button variant="default" leftSection={<IconLogout size={16} />} onClick={onSignOut}>
                Sign out
              </Button>
            </Group>
          </Group>
        </Container>
      </Box>
      <Container size={size} py={{ base: 'md', sm: 'xl' }} px={{ base: 'sm', xs: 'md' }} component="main">
        {children}
      </Container>
    </Box>
  );
}

/** "← My cases", at the top of the portal's inner pages. */
export function BackToCases() {
  return (
    <Anchor component={Link} to="/portal" size="sm" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
      <IconChevronLeft size={15} aria-hidden /> My cases
    </Anchor>
  );
}

/** The status of a case in words. */
export function PhaseBadge({ phase, size = 'md' }: { phase: Phase; size?: 'sm' | 'md' | 'lg' }) {
  const p = PHASES[phase];
  return (
    <Badge size={size} radius="sm" variant="light" color={p.color} style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
      {p.words}
    </Badge>
  );
}

/** "22 Nov 2026": a calm date for customers. */
export function formatDay(iso: string | null | undefined) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}
