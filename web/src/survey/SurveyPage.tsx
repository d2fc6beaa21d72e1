import { useState } from 'react';
import { Alert, Box, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Textarea, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconBriefcase, IconClockX, IconHeartHandshake, IconLinkOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { ApiError, errorMessage, request } from '../api';
import './survey.css';

// The satisfaction survey behind the one-time link of the "resolved" email. Public: the link is
// the customer's only key, so nobody signs in here.

interface SurveyView {
  state: 'open' | 'answered' | 'expired';
  caseNumber: string;
  shortDescription: string;
  companyName: string;
  levels: { score: number; label: string }[];
  answeredScore: number | null;
}

const surveyApi = {
  get: (token: string) => request<SurveyView>('GET', `/surveys/${encodeURIComponent(token)}`),
  answer: (token: string, body: { score: number; comment?: string }) => request<SurveyView>('POST', `/surveys/${encodeURIComponent(token)}`, { body }),
};

const COLORS = ['red', 'orange', 'yellow', 'lime', 'green'];

function Frame({ company, children }: { company?: string; children: React.ReactNode }) {
  return (
    <Box className="cb-portal-bg">
      <Center mih="100vh" p={{ base: 'sm', xs: 'md' }}>
        <Stack w="100%" maw={680} gap="md">
          <Group gap={8} justify="center">
            <IconBriefcase size={26} stroke={1.8} color="var(--mantine-color-indigo-7)" aria-hidden />
            <Text fw={700} fz={20} c="indigo.9">
              {company || 'Casebook'}
            </Text>
          </Group>
          <Paper component="main" withBorder shadow="xs" radius="md" p={{ base: 'md', xs: 'xl' }}>
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}

function Outcome({ icon, color, title, children }: { icon: React.ReactNode; color: string; title: string; children: React.ReactNode }) {
  return (
    <Stack align="center" ta="center" gap="sm" py="md" role="status">
      <ThemeIcon size={56} radius="xl" variant="light" color={color} aria-hidden>
        {icon}
      </ThemeIcon>
      <Title order={1} fz={24}>
        {title}
      </Title>
      <Text size="md" c="gray.7" maw={460} component="div">
        {children}
      </Text>
    </Stack>
  );
}

function CaseLine({ s }: { s: SurveyView }) {
  return (
    <Text size="md" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
      Your case {s.caseNumber}: “{s.shortDescription}”
    </Text>
  );
}

function Questionnaire({ token, s }: { token: string; s: SurveyView }) {
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const answer = useMutation({
    mutationFn: (score: number) => surveyApi.answer(token, { score, comment: comment.trim() || undefined }),
    onSuccess: (fresh) => qc.setQueryData(['survey', token], { ...fresh, justAnswered: true }),
    // Already answered or expired meanwhile: show what the link says now.
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: ['survey', token] });
    },
  });
  return (
    <Stack gap="lg">
      <Box>
        <Title order={1} fz={{ base: 22, xs: 26 }}>
          How satisfied are you with how we handled your case?
        </Title>
        <Box mt={6}>
          <CaseLine s={s} />
        </Box>
      </Box>
      {answer.isError && (
        <Alert color="red" title="Your answer was not sent" role="alert">
          {errorMessage(answer.error)}
        </Alert>
      )}
      <Textarea
        label="Anything you want to tell us? (optional)"
        description="Write it before you choose a score: the score sends your answer."
        size="md"
        autosize
        minRows={2}
        maxRows={8}
        maxLength={5000}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
      />
      <div role="group" aria-labelledby="survey-scores">
        <Text id="survey-scores" size="md" fw={600} mb="xs">
          Choose a score — one click sends it
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 5 }} spacing="sm">
          {s.levels.map((l, i) => (
            <UnstyledButton
              key={l.score}
              className="cb-score"
              style={{ '--score-color': `var(--mantine-color-${COLORS[i] ?? 'indigo'}-6)`, '--score-bg': `var(--mantine-color-${COLORS[i] ?? 'indigo'}-0)` } as React.CSSProperties}
              onClick={() => answer.mutate(l.score)}
              disabled={answer.isPending}
              aria-label={`${l.score} – ${l.label}`}
              aria-busy={answer.isPending && answer.variables === l.score ? true : undefined}
            >
              <span className="cb-score-number">{answer.isPending && answer.variables === l.score ? <Loader size="sm" color="white" /> : l.score}</span>
              <span className="cb-score-label">{l.label}</span>
            </UnstyledButton>
          ))}
        </SimpleGrid>
      </div>
    </Stack>
  );
}

/** /survey/:token — the public satisfaction survey. */
export function SurveyPage() {
  const { token = '' } = useParams();
  const query = useQuery<SurveyView & { justAnswered?: boolean }>({ queryKey: ['survey', token], queryFn: () => surveyApi.get(token), staleTime: Infinity });

  if (query.isPending) {
    return (
      <Frame>
        <Center py="xl" role="status" aria-label="Loading the survey">
          <Loader size="sm" />
        </Center>
      </Frame>
    );
  }
  if (query.isError) {
    const unknown = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Frame>
        <Outcome icon={<IconLinkOff size={30} />} color="gray" title={unknown ? 'This survey link is not valid' : 'The survey cannot be shown'}>
          {unknown ? 'Check that you opened the whole link from the email. If it still does not work, you can simply reply to the email instead.' : errorMessage(query.error)}
        </Outcome>
      </Frame>
    );
  }
  const s = query.data;
  const chosen = s.levels.find((l) => l.score === s.answeredScore);
  return (
    <Frame company={s.companyName}>
      {s.state === 'open' ? (
        <Questionnaire token={token} s={s} />
      ) : s.state === 'answered' ? (
        <Outcome icon={<IconHeartHandshake size={30} />} color="green" title={s.justAnswered ? 'Thank you for your feedback!' : 'You have already answered — thank you'}>
          <CaseLine s={s} />
          {chosen && (
            <Text size="md" mt="xs">
              Your rating: <b>{chosen.score} – {chosen.label}</b>
            </Text>
          )}
          <Text size="md" mt="xs">
            {s.justAnswered ? 'Your answer helps us get better. If something is still not right, our team gets back to you.' : 'Each survey can be answered once. If something is still not right, reply to our email or write in the portal.'}
          </Text>
        </Outcome>
      ) : (
        <Outcome icon={<IconClockX size={30} />} color="orange" title="This survey has expired">
          <CaseLine s={s} />
          <Text size="md" mt="xs">
            The link was valid for a limited time only. If something is still not right, reply to our email or write in the portal.
          </Text>
        </Outcome>
      )}
    </Frame>
  );
}
