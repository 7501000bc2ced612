import { useState } from 'react';
import {
  Alert,
  Button,
  Flex,
  Heading,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import {
  Failure,
  Loading,
  useAction,
  useRequest,
  type AddAlert,
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
const roleLabel = (role: Person['role']) => ROLES.find((r) => r.value === role)!.label;

const PAGE_SIZE = 20;

/** A person as people know him: his name, else his email. */
const nameOf = (person: Person) => person.displayName ?? person.email;
/** In a list of managers: "Name (email)" when he has a name, so two namesakes stay apart. */
const managerOption = (person: Person) => ({
  label: person.displayName ? `${person.displayName} (${person.email})` : person.email,
  value: person.hubspotUserId!,
});

type Change = { person: Person; role: Person['role']; managerHubspotUserId: number | null };

/** What a change does, in a sentence the admin confirms. */
function describe(change: Change, people: Person[]): string {
  const who = nameOf(change.person);
  if (change.role !== change.person.role)
    return `Make ${who} ${change.role === 'admin' ? 'an' : 'a'} ${roleLabel(change.role).toLowerCase()} (now ${roleLabel(change.person.role).toLowerCase()})?`;
  const manager = people.find((p) => p.hubspotUserId === change.managerHubspotUserId);
  return `Make ${manager ? nameOf(manager) : 'nobody'} the manager of ${who}?`;
}

/** Who is an admin, a manager or a rep, and which manager coaches which rep; users imported from HubSpot. */
export function PeopleSection({ api, addAlert }: { api: Api; addAlert: AddAlert }) {
  const [people, reload] = useRequest(() => api.get<People>('/api/settings/roles'), 'roles');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [pending, setPending] = useState<Change | null>(null);
  const { busy, problem, run } = useAction();
  if (people.status === 'loading') return <Loading label="Loading people…" />;
  if (people.status === 'error') return <Failure error={people.error} onRetry={reload} />;
  const everyone = people.data.items;
  const coaches = everyone.filter((p) => p.role !== 'rep' && p.hubspotUserId !== null);
  const needle = search.trim().toLowerCase();
  const matching = everyone.filter(
    (person) =>
      person.hubspotUserId !== null &&
      (!needle || person.email.includes(needle) || (person.displayName ?? '').toLowerCase().includes(needle)),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const current = Math.min(page, pageCount);
  const shown = matching.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  // A change is only asked for here; it is saved when the admin confirms it below.
  const ask = (person: Person, update: Partial<Pick<Person, 'role' | 'managerHubspotUserId'>>) => {
    const role = update.role ?? person.role;
    const managerHubspotUserId = role === 'rep' ? (update.managerHubspotUserId ?? person.managerHubspotUserId) : null;
    if (role === person.role && managerHubspotUserId === person.managerHubspotUserId) return setPending(null);
    setPending({ person, role, managerHubspotUserId });
  };
  const save = (change: Change) =>
    run(
      () =>
        api.put<Person>('/api/settings/roles', {
          hubspotUserId: change.person.hubspotUserId,
          role: change.role,
          managerHubspotUserId: change.managerHubspotUserId,
        }),
      () => {
        setPending(null);
        addAlert({
          type: 'success',
          message: `${nameOf(change.person)} is now ${roleLabel(change.role).toLowerCase()}.`,
        });
        reload();
      },
    );
  const importUsers = () =>
    run(async () => {
      const answer = await api.post<UsersImported>('/api/settings/roles/import');
      addAlert({ type: 'success', message: `${answer.found} HubSpot users found, ${answer.added} added as reps.` });
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
      {pending ? (
        <Alert title="Confirm the change" variant="warning">
          <Flex direction="column" gap="xs">
            <Text>{describe(pending, everyone)}</Text>
            <Flex direction="row" gap="xs">
              <Button variant="primary" disabled={busy} onClick={() => void save(pending)}>
                Yes, change
              </Button>
              <Button disabled={busy} onClick={() => setPending(null)}>
                Cancel the change
              </Button>
            </Flex>
          </Flex>
        </Alert>
      ) : null}
      <Button disabled={busy} onClick={() => void importUsers()}>
        Import users from HubSpot
      </Button>
      <Input
        label="Find a person"
        name="peopleSearch"
        placeholder="Name or email"
        value={search}
        onChange={(value) => {
          setSearch(value);
          setPage(1);
        }}
      />
      {matching.length === 0 ? (
        <Text>{needle ? 'Nobody matches that search.' : 'Nobody yet: import users from HubSpot.'}</Text>
      ) : (
        <Table paginated page={current} pageCount={pageCount} onPageChange={setPage}>
          <TableHead>
            <TableRow>
              <TableHeader>Person</TableHeader>
              <TableHeader>Role</TableHeader>
              <TableHeader>Manager</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((person) => (
              <TableRow key={person.email}>
                <TableCell>
                  <Text>{nameOf(person)}</Text>
                  {person.displayName ? <Text variant="microcopy">{person.email}</Text> : null}
                </TableCell>
                <TableCell>
                  <Select
                    label={`Role of ${nameOf(person)}`}
                    name={`role-${person.hubspotUserId}`}
                    value={person.role}
                    options={ROLES}
                    onChange={(value) => ask(person, { role: value as Person['role'] })}
                  />
                </TableCell>
                <TableCell>
                  {person.role === 'rep' ? (
                    <Select
                      label={`Manager of ${nameOf(person)}`}
                      name={`manager-${person.hubspotUserId}`}
                      {...(person.managerHubspotUserId !== null ? { value: person.managerHubspotUserId } : {})}
                      options={coaches.map(managerOption)}
                      onChange={(value) => ask(person, { managerHubspotUserId: Number(value) })}
                    />
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {matching.length > PAGE_SIZE ? <Text>{`${matching.length} people`}</Text> : null}
    </Flex>
  );
}
