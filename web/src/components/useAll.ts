import { useQuery } from '@tanstack/react-query';
import { api, type Group, type User } from '../api';

/** Every record of a small collection (users, groups), fetched page by page. */
async function fetchAll<T>(resource: string, max = 2000): Promise<T[]> {
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
