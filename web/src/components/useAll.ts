import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type Group, type User } from '../api';

/** Every record of a small collection (users, groups, queues, processes), fetched page by page. */
export async function fetchAll<T>(resource: string, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.list<T>(resource, { active: 'all', limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

export const useAllUsers = (enabled = true) =>
  useQuery({ queryKey: ['users', 'list', 'all'], queryFn: () => fetchAll<User>('users'), enabled, staleTime: 30_000 });

export const useAllGroups = (enabled = true) =>
  useQuery({ queryKey: ['groups', 'list', 'all'], queryFn: () => fetchAll<Group>('groups'), enabled, staleTime: 30_000 });

interface Named {
  id: number;
  name: string;
  active: boolean;
}

/**
 * Select options of active records plus the already chosen ones (marked inactive), so a form
 * never loses a value the list does not offer any more; unknown chosen ids show by number.
 */
export function namedOptions<T extends Named>(all: T[] | undefined, chosen: number[], noun: string, describe: (r: T) => string = (r) => r.name) {
  const list = (all ?? []).filter((r) => r.active || chosen.includes(r.id));
  const known = new Set(list.map((r) => r.id));
  const items = list.map((r) => ({ value: r.id, label: r.active ? describe(r) : `${describe(r)} (inactive)` }));
  for (const id of chosen) if (!known.has(id)) items.push({ value: id, label: `${noun} #${id}` });
  return items;
}

/** Options of users ("Name (email)") for member and assignee pickers. */
export function useUserOptions(chosen: number[], only?: (u: User) => boolean) {
  const users = useAllUsers();
  const key = chosen.join();
  const options = useMemo(
    () => namedOptions(only ? users.data?.filter((u) => only(u) || chosen.includes(u.id)) : users.data, chosen, 'User', (u) => `${u.name} (${u.email})`),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [users.data, key],
  );
  return { options, query: users };
}

/** Options of groups for member and assignment pickers. */
export function useGroupOptions(chosen: number[]) {
  const groups = useAllGroups();
  const key = chosen.join();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const options = useMemo(() => namedOptions(groups.data, chosen, 'Group'), [groups.data, key]);
  return { options, query: groups };
}
