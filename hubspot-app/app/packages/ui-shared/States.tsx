import { Button, EmptyState, ErrorState, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { ApiError } from './apiError';

export function Loading({ label }: { label: string }) {
  return <LoadingSpinner label={label} showLabel />;
}

/** Every error the backend can answer, each with the next step for the person looking at it. */
export function Failure({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  if (error.code === 'not_installed') {
    return (
      <ErrorState title="Fathom for HubSpot is not set up in this portal">
        <Text>Ask a HubSpot admin to install the app from the HubSpot marketplace.</Text>
      </ErrorState>
    );
  }
  if (error.code === 'needs_reauth') {
    return (
      <ErrorState title="The connection needs to be renewed">
        <Text>{error.message}</Text>
      </ErrorState>
    );
  }
  if (error.code === 'forbidden') {
    return (
      <ErrorState title="Not available to you" type="lock">
        <Text>{error.message}</Text>
      </ErrorState>
    );
  }
  if (error.code === 'rate_limited') {
    return (
      <ErrorState title="Too many requests right now">
        <Text>{error.message}</Text>
        <Button onClick={onRetry}>Try again</Button>
      </ErrorState>
    );
  }
  return (
    <ErrorState title="Could not load Fathom data">
      <Text>{error.message}</Text>
      <Button onClick={onRetry}>Try again</Button>
    </ErrorState>
  );
}

export function Empty({ title, children }: { title: string; children: string }) {
  return (
    <EmptyState title={title} layout="vertical">
      <Text>{children}</Text>
    </EmptyState>
  );
}
