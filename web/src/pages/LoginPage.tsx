import { useState } from 'react';
import { Alert, Box, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, errorMessage, type Me } from '../api';
import { FullPageLoader, safeNext, useMe } from '../auth';
import { ME_KEY } from '../queryClient';
import { AuthFrame } from '../components/AuthFrame';

type Variant = 'staff' | 'portal';

const homeOf = (me: Me) => (me.type === 'contact' ? '/portal' : '/');

/** Where to go after sign-in: the remembered page when it suits who signed in, else their home. */
function destination(me: Me, next: string | null): string {
  const home = homeOf(me);
  const target = safeNext(next, home);
  const portalPath = target === '/portal' || target.startsWith('/portal/');
  if (me.type === 'contact' && !portalPath) return home;
  if (me.type === 'user' && portalPath) return home;
  return target;
}

export function LoginPage({ variant }: { variant: Variant }) {
  const portal = variant === 'portal';
  const { data: me, isPending } = useMe();
  const [params] = useSearchParams();
  const next = params.get('next');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const location = useLocation();
  // After setting a password from a mailed link, the email comes along.
  const [email, setEmail] = useState(((location.state as { email?: string } | null)?.email ?? '').slice(0, 320));
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);

  const login = useMutation({
    mutationFn: () => api.login({ email: email.trim(), password, ...(portal ? { portal: true } : {}) }),
    onSuccess: (who) => {
      qc.clear();
      qc.setQueryData(ME_KEY, who);
      navigate(destination(who, next), { replace: true });
    },
    onError: (e) => {
      const fieldErrors: { email?: string; password?: string } = {};
      if (e instanceof ApiError) {
        for (const f of e.fields) if (f.field === 'email' || f.field === 'password') fieldErrors[f.field] = f.message;
      }
      setErrors(fieldErrors);
      setFormError(Object.keys(fieldErrors).length ? null : errorMessage(e));
      setPassword('');
    },
  });

  if (isPending) return <FullPageLoader />;
  if (me) return <Navigate to={destination(me, next)} replace />;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const local: { email?: string; password?: string } = {};
    if (!email.trim()) local.email = 'Enter your email address';
    if (!password) local.password = 'Enter your password';
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length === 0) login.mutate();
  };

  return (
    <AuthFrame
      variant={variant}
      footer={
        <Text size="xs" c="dimmed" ta="center">
          {portal ? 'No password yet? Use the invitation we mailed you, or Forgot password.' : 'Customers sign in at the portal.'}{' '}
          {!portal && (
            <Text component={Link} to="/portal/login" size="xs" c="indigo.7">
              Go to the customer portal
            </Text>
          )}
        </Text>
      }
    >
      <Box>
        <Title order={1} fz={portal ? 22 : 18}>
          {portal ? 'Welcome to customer support' : 'Sign in to the workspace'}
        </Title>
        <Text size="sm" c="dimmed" mt={4}>
          {portal ? 'Sign in to see your account and your products.' : 'For support staff. Use your work email.'}
        </Text>
      </Box>
      {formError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" p="sm">
          {formError}
        </Alert>
      )}
      <form onSubmit={submit} noValidate aria-label={portal ? 'Portal sign-in' : 'Sign in'}>
        <Stack gap="sm">
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
            size={portal ? 'md' : 'sm'}
            autoFocus={!email}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
            size={portal ? 'md' : 'sm'}
            autoFocus={!!email}
          />
          <Text component={Link} to={portal ? '/portal/forgot-password' : '/forgot-password'} state={{ email: email.trim() }} size="sm" c="indigo.7" ta="right" mt={-4}>
            Forgot password?
          </Text>
          <Button type="submit" loading={login.isPending} fullWidth mt="xs" size={portal ? 'md' : 'sm'}>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
