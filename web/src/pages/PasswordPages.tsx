import { useEffect, useState } from 'react';
import { Alert, Anchor, Box, Button, Center, Group, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconMailForward } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router-dom';
import { ApiError, errorMessage, request } from '../api';
import { AuthFrame } from '../components/AuthFrame';

// "Forgot password?" and the page a mailed link opens (a reset link or an invitation), for the
// workspace and for the portal. The link carries its token in the fragment (#token=…), which the
// browser never sends to a server.

type Variant = 'staff' | 'portal';
type Kind = 'password_reset' | 'invitation';

interface LinkInfo {
  kind: Kind;
  email: string;
  name: string;
  portal: boolean;
  expiresAt: string;
}

const signInPath = (portal: boolean) => (portal ? '/portal/login' : '/login');


export function ForgotPasswordPage({ variant }: { variant: Variant }) {
  const portal = variant === 'portal';
  const location = useLocation();
  const [email, setEmail] = useState(((location.state as { email?: string } | null)?.email ?? '').slice(0, 320));
  const [error, setError] = useState<string | undefined>();
  const send = useMutation({
    mutationFn: () => request<{ message: string }>('POST', '/auth/password-reset', { body: { email: email.trim(), ...(portal ? { portal: true } : {}) } }),
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!/^\S+@\S+$/.test(email.trim())) {
      setError('Enter the email address you sign in with');
      return;
    }
    setError(undefined);
    send.mutate();
  };

  if (send.isSuccess) {
    return (
      <AuthFrame variant={variant}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <IconMailForward size={22} color="var(--mantine-color-indigo-7)" aria-hidden />
          <Title order={1} fz={20}>
            Check your email
          </Title>
        </Group>
        <Text size="sm" role="status">
          If an account has the address <b>{email.trim()}</b>, we have sent it a link to choose a new password. The link works once, for 1 hour.
        </Text>
        <Text size="sm" c="dimmed">
          Nothing arrived after a few minutes? Look in your spam folder, or ask again.
        </Text>
        <Group justify="space-between">
          <Anchor component={Link} to={signInPath(portal)} size="sm">
            Back to sign-in
          </Anchor>
          <Button variant="subtle" size="compact-sm" onClick={() => send.reset()}>
            Ask again
          </Button>
        </Group>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame variant={variant}>
      <Box>
        <Title order={1} fz={portal ? 22 : 18}>
          Forgot your password?
        </Title>
        <Text size="sm" c="dimmed" mt={4}>
          Enter the email you sign in with. We will mail you a link to choose a new one.
        </Text>
      </Box>
      {send.isError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" p="sm">
          {errorMessage(send.error)}
        </Alert>
      )}
      <form onSubmit={submit} noValidate aria-label="Reset password">
        <Stack gap="sm">
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            maxLength={320}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={error}
            size={portal ? 'md' : 'sm'}
            autoFocus
          />
          <Button type="submit" loading={send.isPending} fullWidth mt="xs" size={portal ? 'md' : 'sm'}>
            Send the link
          </Button>
        </Stack>
      </form>
      <Anchor component={Link} to={signInPath(portal)} size="sm" ta="center">
        Back to sign-in
      </Anchor>
    </AuthFrame>
  );
}

const tokenIn = (hash: string) => new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';

/** The token from the address's fragment (#token=…); a newer link opened in the same tab replaces it. */
function useFragmentToken(): string {
  const { hash } = useLocation();
  const [token, setToken] = useState(() => tokenIn(hash));
  useEffect(() => {
    const fresh = tokenIn(hash);
    if (fresh) setToken(fresh);
    // Keep the secret out of the address bar (and of bookmarks, screenshots, history).
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }, [hash]);
  return token;
}

export function SetPasswordPage({ variant, kind }: { variant: Variant; kind: Kind }) {
  const portal = variant === 'portal';
  const token = useFragmentToken();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ password?: string; repeat?: string }>({});
  const info = useQuery<LinkInfo>({
    queryKey: ['password-link', token],
    queryFn: () => request<LinkInfo>('POST', '/auth/password-reset/check', { body: { token } }),
    enabled: token.length >= 20,
    retry: false,
    staleTime: Infinity,
  });
  const save = useMutation({
    mutationKey: ['set-password', token],
    mutationFn: () => request<{ kind: Kind; email: string; portal: boolean }>('POST', '/auth/password-reset/confirm', { body: { token, password } }),
    onError: (e) => {
      if (e instanceof ApiError) {
        const f = e.fields.find((x) => x.field === 'password');
        if (f) setErrors({ password: f.message });
      }
    },
  });

  const { reset } = save;
  useEffect(() => reset(), [token, reset]); // a new link starts afresh
  const invitation = (info.data?.kind ?? kind) === 'invitation';
  const forgotPath = portal ? '/portal/forgot-password' : '/forgot-password';

  if (token.length < 20 || info.isError || (save.isError && save.error instanceof ApiError && save.error.fields.some((f) => f.field === 'token'))) {
    return (
      <AuthFrame variant={variant}>
        <Title order={1} fz={20}>
          This link does not work any more
        </Title>
        <Alert color="yellow" icon={<IconAlertCircle size={18} />} role="alert" p="sm">
          {token.length < 20 ? 'The link is incomplete. Open it again from the email, or copy the whole address.' : 'It was already used, replaced by a newer link, or it has expired.'}
        </Alert>
        <Text size="sm">
          {invitation ? 'Ask your administrator to send the invitation again, or ' : 'You can '}
          <Anchor component={Link} to={forgotPath}>
            ask for a new link
          </Anchor>
          .
        </Text>
      </AuthFrame>
    );
  }
  if (info.isPending) {
    return (
      <AuthFrame variant={variant}>
        <Center py="lg" role="status" aria-label="Checking the link">
          <Loader size="sm" />
        </Center>
      </AuthFrame>
    );
  }
  const who = info.data!;
  if (save.isSuccess) {
    return (
      <AuthFrame variant={variant}>
        <Group gap="xs" wrap="nowrap">
          <IconCircleCheck size={22} color="var(--mantine-color-teal-7)" aria-hidden />
          <Title order={1} fz={20}>
            {invitation ? 'Your password is set' : 'Your password is changed'}
          </Title>
        </Group>
        <Text size="sm" role="status">
          Sign in as <b>{who.email}</b> with your new password.{!invitation && ' Every other place you were signed in has been signed out.'}
        </Text>
        <Button component={Link} to={signInPath(who.portal)} state={{ email: who.email }} fullWidth>
          Go to sign-in
        </Button>
      </AuthFrame>
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const local: { password?: string; repeat?: string } = {};
    if (password.length < 12) local.password = 'Use at least 12 characters';
    else if (password.length > 200) local.password = 'Use at most 200 characters';
    if (!local.password && repeat !== password) local.repeat = 'The two passwords differ';
    setErrors(local);
    if (!local.password && !local.repeat) save.mutate();
  };

  return (
    <AuthFrame variant={variant}>
      <Box>
        <Title order={1} fz={portal ? 22 : 18}>
          {invitation ? `Welcome, ${who.name}` : 'Choose a new password'}
        </Title>
        <Text size="sm" c="dimmed" mt={4}>
          {invitation
            ? `You are invited to ${who.portal ? 'the customer portal' : 'the support workspace'}. Choose a password for ${who.email}.`
            : `For ${who.email}. At least 12 characters; a few unrelated words make a good one.`}
        </Text>
      </Box>
      {save.isError && !errors.password && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" p="sm">
          {errorMessage(save.error)}
        </Alert>
      )}
      <form onSubmit={submit} noValidate aria-label={invitation ? 'Accept invitation' : 'Set new password'}>
        <Stack gap="sm">
          {/* Lets password managers save the new password under the right account. */}
          <input type="email" name="username" autoComplete="username" value={who.email} readOnly hidden />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
            size={portal ? 'md' : 'sm'}
            autoFocus
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={errors.repeat}
            size={portal ? 'md' : 'sm'}
          />
          <Button type="submit" loading={save.isPending} fullWidth mt="xs" size={portal ? 'md' : 'sm'}>
            {invitation ? 'Set password' : 'Change password'}
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
