import type { ReactNode } from 'react';
import { Box, Center, Group, Paper, Stack, Text } from '@mantine/core';
import { IconBriefcase } from '@tabler/icons-react';

/** The frame of the pages before sign-in (sign-in, forgot password, a mailed link): the brand
 *  over one card, on the portal's background for customers; `footer` goes under the card. */
export function AuthFrame({ variant, children, footer }: { variant: 'staff' | 'portal'; children: ReactNode; footer?: ReactNode }) {
  const portal = variant === 'portal';
  return (
    <Box className={portal ? 'cb-portal-bg' : undefined} bg={portal ? undefined : 'gray.0'} mih="100vh">
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={420} gap="lg">
          <Group gap={8} justify="center">
            <IconBriefcase size={28} stroke={1.8} color="var(--mantine-color-indigo-7)" aria-hidden />
            <Text fw={700} fz={22} c="indigo.9">
              Casebook
            </Text>
          </Group>
          <Paper component="main" withBorder shadow="xs" radius="md" p={portal ? 'xl' : 'lg'}>
            <Stack gap="md">{children}</Stack>
          </Paper>
          {footer}
        </Stack>
      </Center>
    </Box>
  );
}
