import type { ReactNode } from 'react';
import { Flex } from '@hubspot/ui-extensions';
import { PageBreadcrumbs, PageHeader, PageTitle } from '@hubspot/ui-extensions/pages';

/** A page's frame: its title, where it sits (breadcrumbs), and the header's ways to the others. */
export function PageFrame(props: {
  title: string;
  crumbs?: Array<{ to: string; label: string }>;
  children: ReactNode;
}) {
  return (
    <Flex direction="column" gap="md">
      <PageTitle>{props.title}</PageTitle>
      <PageBreadcrumbs>
        <PageBreadcrumbs.PageLink to="/">Team</PageBreadcrumbs.PageLink>
        {(props.crumbs ?? []).map((crumb) => (
          <PageBreadcrumbs.PageLink key={crumb.to} to={crumb.to}>
            {crumb.label}
          </PageBreadcrumbs.PageLink>
        ))}
        <PageBreadcrumbs.Current>{props.title}</PageBreadcrumbs.Current>
      </PageBreadcrumbs>
      <PageHeader>
        <PageHeader.PrimaryAction>
          <PageHeader.PageLink to="/search">Search calls</PageHeader.PageLink>
        </PageHeader.PrimaryAction>
        <PageHeader.SecondaryActions>
          <PageHeader.PageLink to="/">Team</PageHeader.PageLink>
          <PageHeader.PageLink to="/queue">Coaching queue</PageHeader.PageLink>
        </PageHeader.SecondaryActions>
      </PageHeader>
      {props.children}
    </Flex>
  );
}
