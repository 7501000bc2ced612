// `npm run hs:configure -- --base-url https://fathom.example.com`: writes the backend's public URL
// (PUBLIC_BASE_URL) into every file of the HubSpot project that names it, so a deployment never
// hand-edits them: the OAuth redirect and the fetch allow-list in app-hsmeta.json, the support
// links, the UI's BACKEND_URL, local.json's proxy for `hs project dev`, and the webhooks
// component's targetUrl when there is one. Development tooling only (it formats with Prettier).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const httpsUrl = (what: string) =>
  z.url({ protocol: /^https$/, error: `${what} must be an https:// URL (HubSpot refuses anything else)` });
const Options = z.object({
  baseUrl: httpsUrl('--base-url')
    .refine((url) => !/[?#]/.test(url), '--base-url must not carry a query or a fragment')
    .transform((url) => url.replace(/\/+$/, '')),
  docsUrl: httpsUrl('--docs-url').optional(),
  supportUrl: httpsUrl('--support-url').optional(),
  supportEmail: z.email('--support-email must be an email address').optional(),
  localUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type HsConfigureOptions = z.input<typeof Options>;

type AppMeta = {
  config: {
    auth: { redirectUrls: string[] };
    permittedUrls: { fetch: string[] };
    support?: { supportEmail?: string; documentationUrl?: string; supportUrl?: string };
  };
};

async function writeJson(file: string, value: unknown) {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(value, null, 2), { ...config, filepath: file }));
}
const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** Rewrites the project's URLs for `baseUrl`; answers the files it wrote, relative to `projectDir`. */
export async function configureHubSpotProject(projectDir: string, input: HsConfigureOptions): Promise<string[]> {
  const options = Options.parse(input);
  const base = options.baseUrl;
  const { srcDir } = readJson<{ srcDir: string }>(path.join(projectDir, 'hsproject.json'));
  const app = path.join(projectDir, srcDir, 'app');
  const written: string[] = [];

  const metaFile = path.join(app, 'app-hsmeta.json');
  const meta = readJson<AppMeta>(metaFile);
  meta.config.auth.redirectUrls = [`${base}/oauth/hubspot/callback`];
  // Only the card and settings API: hubspot.fetch has no business with the OAuth or webhook routes.
  meta.config.permittedUrls.fetch = [`${base}/api/`];
  meta.config.support = {
    ...meta.config.support,
    ...(options.supportEmail ? { supportEmail: options.supportEmail } : {}),
    documentationUrl: options.docsUrl ?? `${base}/docs/setup-guide`,
    // The backend serves no support page of its own: without --support-url, the setup guide
    // (whose last section, Help, says how to reach support) is the support link too.
    supportUrl: options.supportUrl ?? options.docsUrl ?? `${base}/docs/setup-guide`,
  };
  await writeJson(metaFile, meta);
  written.push(metaFile);

  const configFile = path.join(app, 'packages', 'ui-shared', 'config.ts');
  const source = fs.readFileSync(configFile, 'utf8');
  const line = /^export const BACKEND_URL = '[^']*';$/m;
  if (!line.test(source)) throw new Error(`${configFile}: no "export const BACKEND_URL = '…';" line to rewrite`);
  fs.writeFileSync(configFile, source.replace(line, `export const BACKEND_URL = '${base}';`));
  written.push(configFile);

  // `hs project dev` serves the cards locally and sends their hubspot.fetch calls for `base` here.
  const localFile = path.join(app, 'local.json');
  const local = fs.existsSync(localFile) ? readJson<{ proxy?: Record<string, string> }>(localFile) : {};
  const target = options.localUrl ?? Object.values(local.proxy ?? {})[0] ?? 'http://localhost:3000';
  await writeJson(localFile, { ...local, proxy: { [base]: target } });
  written.push(localFile);

  const webhooksDir = path.join(app, 'webhooks');
  const webhookMetas = fs.existsSync(webhooksDir)
    ? fs.readdirSync(webhooksDir).filter((f) => f.endsWith('-hsmeta.json'))
    : [];
  for (const name of webhookMetas) {
    const file = path.join(webhooksDir, name);
    const component = readJson<{ config: { settings: { targetUrl: string } } }>(file);
    component.config.settings.targetUrl = `${base}/webhooks/hubspot`;
    await writeJson(file, component);
    written.push(file);
  }
  return written.map((file) => path.relative(projectDir, file));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      'docs-url': { type: 'string' },
      'support-url': { type: 'string' },
      'support-email': { type: 'string' },
      'local-url': { type: 'string' },
      'project-dir': { type: 'string' },
    },
  });
  const projectDir = values['project-dir'] ?? fileURLToPath(new URL('../../../', import.meta.url));
  try {
    const written = await configureHubSpotProject(projectDir, {
      baseUrl: values['base-url'] ?? '',
      docsUrl: values['docs-url'],
      supportUrl: values['support-url'],
      supportEmail: values['support-email'],
      localUrl: values['local-url'],
    });
    console.log(`HubSpot project pointed at ${values['base-url']}:\n${written.map((file) => `  ${file}`).join('\n')}`);
    console.log('Set PUBLIC_BASE_URL to the same URL on the backend, then `npm run hs -- project upload`.');
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    console.error(
      `npm run hs:configure -- --base-url https://… : ${error.issues.map((issue) => issue.message).join('; ')}`,
    );
    process.exit(1);
  }
}
