import { useState } from 'react';
import { Alert, Button, Flex, Heading, Input, Select, Text } from '@hubspot/ui-extensions';
import {
  Failure,
  Loading,
  useAction,
  useRequest,
  type Api,
  type People,
  type Person,
  type UsersImported,
} from '@fathom-hubspot/ui-shared';

const ROLES = [
  { label: 'Admin', value: 'admin' },
  { label: 'Manager', value: 'manager' },
  { label: 'Rep', value: 'rep' },
];

const PAGE_SIZE = 20;

/** Who is an admin, a manager or a rep, and which manager coaches which rep; users imported from HubSpot. */
export function PeopleSection({ api }: { api: Api }) {
  const [people, reload] = useRequest(() => api.get<People>('/api/settings/roles'), 'roles');
  const [imported, setImported] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const { busy, problem, run } = useAction();
  if (people.status === 'loading') return <Loading label="Loading people…" />;
  if (people.status === 'error') return <Failure error={people.error} onRetry={reload} />;
  const coaches = people.data.items.filter((p) => p.role !== 'rep' && p.hubspotUserId !== null);
  const needle = search.trim().toLowerCase();
  const matching = people.data.items.filter(
    (person) =>
      person.hubspotUserId !== null &&
      (!needle || person.email.includes(needle) || (person.displayName ?? '').toLowerCase().includes(needle)),
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const shown = matching.slice(Math.min(page, pages - 1) * PAGE_SIZE, (Math.min(page, pages - 1) + 1) * PAGE_SIZE);
  const change = (person: Person, update: Partial<Pick<Person, 'role' | 'managerHubspotUserId'>>) => {
    const role = update.role ?? person.role;
    const managerHubspotUserId = role === 'rep' ? (update.managerHubspotUserId ?? person.managerHubspotUserId) : null;
    return run(
      () => api.put<Person>('/api/settings/roles', { hubspotUserId: person.hubspotUserId, role, managerHubspotUserId }),
      reload,
    );
  };
  const importUsers = () =>
    run(async () => {
      const answer = await api.post<UsersImported>('/api/settings/roles/import');
      setImported(`${answer.found} HubSpot users found, ${answer.added} added as reps.`);
    }, reload);
  return (
    <Flex direction="column" gap="sm">
      <Heading>People and roles</Heading>
      <Text>
        Managers coach their reps; admins manage these settings. Everyone starts as a rep when they first open a card.
      </Text>
      {problem ? (
        <Alert title="Not changed" variant="danger">
          {problem}
        </Alert>
      ) : null}
      <Button disabled={busy} onClick={() => void importUsers()}>
        Import users from HubSpot
      </Button>
      {imported ? <Text>{imported}</Text> : null}
      <Input
        label="Find a person"
        name="peopleSearch"
        placeholder="Name or email"
        value={search}
        onChange={(value) => {
          setSearch(value);
          setPage(0);
        }}
      />
      {matching.length === 0 ? (
        <Text>{needle ? 'Nobody matches that search.' : 'Nobody yet: import users from HubSpot.'}</Text>
      ) : null}
      {shown.map((person) => (
        <Flex key={person.email} direction="row" gap="sm" align="end">
          <Text>{person.email}</Text>
          <Select
            label="Role"
            name={`role-${person.hubspotUserId}`}
            value={person.role}
            options={ROLES}
            onChange={(value) => void change(person, { role: value as Person['role'] })}
          />
          {person.role === 'rep' ? (
            <Select
              label="Manager"
              name={`manager-${person.hubspotUserId}`}
              {...(person.managerHubspotUserId !== null ? { value: person.managerHubspotUserId } : {})}
              options={coaches.map((c) => ({ label: c.email, value: c.hubspotUserId! }))}
              onChange={(value) => void change(person, { managerHubspotUserId: Number(value) })}
            />
          ) : null}
        </Flex>
      ))}
      {pages > 1 ? (
        <Flex direction="row" gap="xs" align="center">
          <Button disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous
          </Button>
          <Text>{`Page ${Math.min(page, pages - 1) + 1} of ${pages} · ${matching.length} people`}</Text>
          <Button disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            Next
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
}
