import type { ReactNode } from 'react';
import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { isAdmin, useMe } from '../auth';

/** Admin pages: others see why they cannot use them instead of a broken page. */
export function RequireAdmin({ what, children }: { what: string; children: ReactNode }) {
  const { data: me } = useMe();
  if (!isAdmin(me)) {
    return (
      <Alert color="gray" icon={<IconLock size={18} />} title="Administrators only" maw={560}>
        Only administrators can manage {what}. Ask an administrator if you need a change.
      </Alert>
    );
  }
  return <>{children}</>;
}
