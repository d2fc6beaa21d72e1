import { Button, EmptyState } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <EmptyState
      mt="xl"
      icon={<IconMapQuestion size={28} />}
      title="Page not found"
      description="This address does not lead anywhere in Casebook."
    >
      <Button component={Link} to="/" variant="light" mt="sm">
        Go to the start page
      </Button>
    </EmptyState>
  );
}
