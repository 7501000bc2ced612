import { useState } from 'react';
import { Flex, SearchInput, Select } from '@hubspot/ui-extensions';
import { useRequest, type TeamOverview } from '@fathom-hubspot/ui-shared';
import { usePagesEnv } from './pagesEnv';

const ALL = 'all';

/**
 * Picks one rep among all those in the viewer's view, found by the server as he types
 * (GET /api/home/team?q=…), not only among reps already loaded.
 */
export function RepPicker({ onPick }: { onPick: (hubspotUserId: number | null) => void }) {
  const { api } = usePagesEnv();
  const [find, setFind] = useState('');
  const [picked, setPicked] = useState<string>(ALL);
  const q = find.trim();
  const path = `/api/home/team?limit=20${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const [found] = useRequest(() => api.get<TeamOverview>(path), path);
  const reps = found.status === 'ready' ? found.data.items.filter((rep) => rep.hubspotUserId !== null) : [];
  return (
    <Flex direction="row" gap="sm">
      <SearchInput label="Find a rep" name="find-rep" value={find} placeholder="Name or email" onChange={setFind} />
      <Select
        label="Rep"
        name="rep"
        value={picked}
        options={[
          { label: 'All reps', value: ALL },
          ...reps.map((rep) => ({ label: rep.name ?? rep.email, value: String(rep.hubspotUserId) })),
        ]}
        onChange={(value) => {
          setPicked(String(value));
          onPick(value === ALL ? null : Number(value));
        }}
      />
    </Flex>
  );
}
