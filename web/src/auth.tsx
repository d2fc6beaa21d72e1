import type { ReactNode } from 'react';
import { Center, Loader } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError, type Me } from './api';
import { ME_KEY } from './queryClient';

/** Who is signed in: a Me, null when nobody is, undefined while loading. */
export function useMe() {
  return useQuery<Me | null>({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await api.me();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export const isStaff = (me: Me | null | undefined): me is Me => !!me && me.type === 'user';
export const isCustomer = (me: Me | null | undefined): me is Me => !!me && me.type === 'contact';
export const isAdmin = (me: Me | null | undefined) => isStaff(me) && me.roles.includes('admin');

export function FullPageLoader() {
  return (
    <Center h="100vh" role="status" aria-label="Loading">
      <Loader size="sm" />
    </Center>
  );
}

function LoadError({ error }: { error: unknown }) {
  return (
    <Center h="100vh" role="alert" p="md">
      {error instanceof Error ? error.message : 'Cannot load Casebook'}
    </Center>
  );
}

/** Only sensible "next" targets: a path on this site (see redirects.ts). */
export { safeNext } from './redirects';

const nextParam = (loc: { pathname: string; search: string }) =>
  `?next=${encodeURIComponent(loc.pathname + loc.search)}`;

/** Workspace routes: staff only; customers go to the portal; nobody → /login. */
export function RequireStaff({ children }: { children: ReactNode }) {
  const { data: me, isPending, error } = useMe();
  const loc = useLocation();
  if (isPending) return <FullPageLoader />;
  if (error) return <LoadError error={error} />;
  if (!me) return <Navigate to={`/login${nextParam(loc)}`} replace />;
  if (me.type === 'contact') return <Navigate to="/portal" replace />;
  return <>{children}</>;
}

/** Portal routes: customers only; staff go to the workspace; nobody → /portal/login. */
export function RequireCustomer({ children }: { children: ReactNode }) {
  const { data: me, isPending, error } = useMe();
  const loc = useLocation();
  if (isPending) return <FullPageLoader />;
  if (error) return <LoadError error={error} />;
  if (!me) return <Navigate to={`/portal/login${nextParam(loc)}`} replace />;
  if (me.type === 'user') return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** Sign out, forget every cached record, and go to the given sign-in page. */
export function useSignOut() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return async (to: string) => {
    try {
      await api.logout();
    } finally {
      qc.clear();
      qc.setQueryData(ME_KEY, null);
      navigate(to, { replace: true });
    }
  };
}
