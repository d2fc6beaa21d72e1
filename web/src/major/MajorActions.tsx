import { Menu } from '@mantine/core';
import { IconAlertOctagon, IconCheck, IconCircleMinus, IconLink } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMe } from '../auth';
import { useStatuses } from '../cases/lookups';
import type { DialogProps } from '../cases/ActionDialogs';
import type { CaseActionMutation } from '../cases/useCaseAction';
import type { Case } from '../casesApi';
import { LinkChildrenDialog } from './LinkChildrenDialog';
import { childrenKey, majorApi, mayManageMajor, reviewInfo } from './majorApi';
import { ResolveWithChildrenDialog } from './ResolveWithChildrenDialog';

// Major-case actions of the case actions menu (SPEC §8), for managers, major issue managers and
// admins: mark / unmark, link child cases, resolve with children.

export type MajorDialog = 'link-children' | 'resolve-children';
type MajorMenuAction = 'mark-major' | 'unmark-major' | MajorDialog;

export const useChildren = (kase: Pick<Case, 'number' | 'major'>) =>
  useQuery({ queryKey: childrenKey(kase.number), queryFn: async () => (await majorApi.children(kase.number)).items, enabled: kase.major });

/** Child cases still open: not resolved and not final (canceled). */
export function useOpenChildren(kase: Pick<Case, 'number' | 'major'>) {
  const children = useChildren(kase);
  const { data: statuses } = useStatuses();
  return (children.data ?? []).filter((c) => !c.resolved && !statuses?.find((s) => s.key === c.status)?.final);
}

export function useMajorActions(kase: Case): MajorMenuAction[] {
  const { data: me } = useMe();
  const children = useChildren(kase);
  const openChildren = useOpenChildren(kase);
  if (!mayManageMajor(me?.roles)) return [];
  if (!kase.major) return kase.parentNumber ? [] : ['mark-major'];
  const list = children.data;
  const count = list?.length ?? reviewInfo(kase).childCount ?? 0;
  const out: MajorMenuAction[] = ['link-children'];
  if (count > 0 && (kase.allowedActions.includes('resolve') || openChildren.length > 0)) out.push('resolve-children');
  if (count === 0) out.push('unmark-major');
  return out;
}

const ITEMS: Record<MajorMenuAction, { label: string; icon: React.ReactNode }> = {
  'mark-major': { label: 'Mark as major case', icon: <IconAlertOctagon size={15} /> },
  'unmark-major': { label: 'Unmark as major case', icon: <IconCircleMinus size={15} /> },
  'link-children': { label: 'Link child cases…', icon: <IconLink size={15} /> },
  'resolve-children': { label: 'Resolve with children…', icon: <IconCheck size={15} /> },
};

export function MajorMenuItems({ actions, run, setDialog, divider }: { actions: MajorMenuAction[]; run: CaseActionMutation; setDialog: (d: MajorDialog) => void; divider: boolean }) {
  if (!actions.length) return null;
  const act = (a: MajorMenuAction) => {
    run.reset();
    if (a === 'mark-major' || a === 'unmark-major') run.mutate({ action: a });
    else setDialog(a);
  };
  return (
    <>
      {divider && <Menu.Divider />}
      <Menu.Label>Major case</Menu.Label>
      {actions.map((a) => (
        <Menu.Item key={a} leftSection={ITEMS[a].icon} onClick={() => act(a)} color={a === 'mark-major' ? 'red' : undefined}>
          {ITEMS[a].label}
        </Menu.Item>
      ))}
    </>
  );
}

export function MajorDialogs({ dialog, ...props }: DialogProps & { dialog: string | null }) {
  if (dialog === 'link-children') return <LinkChildrenDialog kase={props.kase} onClose={props.onClose} />;
  if (dialog === 'resolve-children') return <ResolveWithChildrenDialog {...props} />;
  return null;
}
