/**
 * BILLmanager's "processing module adding wizard": product type → processing module → integration
 * settings → processing module parameters → connection check. Each field is judged as it is left,
 * by the same schemas as the scripted commands; nothing is saved before the last step; a failed
 * check shows BILLmanager's message, the cause and the steps, and offers to fix a field, retry or save
 * anyway (marked "not verified"). With `editModuleId` it edits a module: same fields, prefilled,
 * an empty password keeps the current one, and a re-check is offered before saving.
 */
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { LEADERSSL_SIGNUP_URL } from '../providers/leadertelecom/settings.js';
import { providerModule } from '../providers/registry.js';
import { CAUSE_LABELS, type CheckResult } from '../core/check.js';
import { ModuleInputError, type ModuleDraft, type ModuleSection } from '../core/modules.js';
import type { StoredModule } from '../core/store.js';
import { ADDRESS_FIELD, addressSentence, moduleAddress, settingToFix } from '../core/module-address.js';
import { down, up, useConsole, useKeys } from './context.js';
import { Select, selectKey } from './widgets/select.js';
import { applyTextKey, TextField } from './widgets/text-field.js';
import { Spinner } from './widgets/spinner.js';
import { useWaited, waitedText } from './widgets/clock.js';
import { fit, columns as columnsOf } from './widgets/text.js';
import { Paragraph } from './widgets/paragraph.js';
import { DISCARD_HINTS, DiscardLine, useDiscardQuestion } from './widgets/discard.js';

type Step = 'product' | 'provider' | 'integration' | 'parameters' | 'check';
const STEPS: readonly Step[] = ['product', 'provider', 'integration', 'parameters', 'check'];
const STEP_TITLES: Readonly<Record<Step, string>> = {
  product: 'Product type',
  provider: 'Processing module',
  integration: 'Integration settings',
  parameters: 'Processing module parameters',
  check: 'Connection check',
};

interface Field {
  readonly section: ModuleSection;
  readonly key: string;
  readonly label: string;
  readonly kind: 'text' | 'secret' | 'url' | 'boolean' | 'ip' | 'number';
  readonly help: string;
  readonly placeholder?: string;
}

const PARAMETER_FIELDS: readonly Field[] = [
  { section: 'parameters', key: 'name', label: 'Name', kind: 'text', help: 'the name of the processing module to be displayed in the interface' },
  { section: 'parameters', key: 'department', label: 'Department', kind: 'text', help: 'the department to which tasks from the processing module will be assigned' },
  { section: 'parameters', key: 'sort', label: 'Sort', kind: 'number', help: "the processing module's priority: the lowest is selected first when a tariff plan has several" },
  {
    section: 'parameters',
    key: 'minimalBalance',
    label: 'Minimal balance',
    kind: 'number',
    help: "processing module minimal balance: the minimum amount on the account, in the provider's currency (empty: no check)",
  },
];
const DATA_CENTER_FIELD: Field = { section: 'parameters', key: 'dataCenter', label: 'Data center', kind: 'text', help: 'the data center to which the processing module will be connected' };

/**
 * certops' own field, as --endpoint on the command line: a sandbox, a proxy or a provider's new
 * address. BILLmanager has no such field: it stands apart, under "Advanced network settings", and
 * the step says which address the calls go to when it overrides the provider's own.
 */
const ENDPOINT_FIELD: Field = {
  section: 'network',
  key: 'endpoint',
  label: 'Endpoint',
  kind: 'url',
  help: "advanced, optional: send the API calls to this address instead of the one the integration settings give (a sandbox, a proxy); leave it empty to use those",
  placeholder: '(none: the integration settings decide)',
};

export function fieldsOf(provider: ProviderId, step: 'integration' | 'parameters'): Field[] {
  if (step === 'parameters') return PROVIDERS[provider].hasDataCenter ? [DATA_CENTER_FIELD, ...PARAMETER_FIELDS] : [...PARAMETER_FIELDS];
  const own = providerModule(provider).fields.map((f) => ({ section: 'integration' as const, key: f.key, label: f.label, kind: f.kind, help: f.help, ...(f.placeholder ? { placeholder: f.placeholder } : {}) }));
  return [...own, ENDPOINT_FIELD];
}

type Values = Readonly<Record<string, string | boolean>>;

/** The draft the typed values make; blank optional fields are left out so their defaults apply. */
export function draftFrom(provider: ProviderId, values: Values, editing?: StoredModule): ModuleDraft {
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '');
  const number = (key: string, empty: null | undefined) => {
    const raw = text(key).trim();
    if (raw === '') return empty;
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  };
  const integration: Record<string, unknown> = {};
  for (const field of fieldsOf(provider, 'integration').filter((f) => f.section === 'integration')) {
    const value = values[`integration.${field.key}`];
    if (field.kind === 'boolean') integration[field.key] = value === true;
    else if (typeof value === 'string' && value !== '') integration[field.key] = value;
    else if (field.kind === 'secret' && editing) integration[field.key] = editing.integration[field.key];
  }
  return {
    provider,
    parameters: {
      name: text('parameters.name'),
      department: text('parameters.department'),
      sort: number('parameters.sort', undefined),
      minimalBalance: number('parameters.minimalBalance', null),
      ...(PROVIDERS[provider].hasDataCenter ? { dataCenter: text('parameters.dataCenter') || undefined } : {}),
    },
    integration: editing ? { ...Object.fromEntries(Object.entries(editing.integration).filter(([k]) => k === 'serviceUrl')), ...integration } : integration,
    network: { ...(editing ? Object.fromEntries(Object.entries(editing.network).filter(([k]) => k !== 'endpoint')) : {}), ...(text('network.endpoint') ? { endpoint: text('network.endpoint') } : {}) },
  };
}

function valuesOf(module: StoredModule): Values {
  const values: Record<string, string | boolean> = {};
  if (module.network.endpoint) values['network.endpoint'] = module.network.endpoint;
  for (const field of fieldsOf(module.provider, 'integration').filter((f) => f.section === 'integration')) {
    const value = module.integration[field.key];
    if (field.kind === 'secret') values[`integration.${field.key}`] = '';
    else if (typeof value === 'boolean') values[`integration.${field.key}`] = value;
    else if (value !== undefined) values[`integration.${field.key}`] = String(value);
  }
  for (const field of fieldsOf(module.provider, 'parameters')) {
    const value = (module.parameters as Record<string, unknown>)[field.key];
    values[`parameters.${field.key}`] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

export function ModuleWizard({ editModuleId }: { readonly editModuleId?: number }) {
  const { services, pop, replace, notify, columns } = useConsole();
  const editing = useMemo(() => (editModuleId === undefined ? undefined : services.modules().find((m) => m.id === editModuleId)), [services, editModuleId]);
  const [step, setStep] = useState<Step>(editing ? 'integration' : 'product');
  const [provider, setProvider] = useState<ProviderId>(editing?.provider ?? 'leadertelecom');
  const [values, setValues] = useState<Values>(editing ? valuesOf(editing) : {});
  // What the fields held when they were opened (a module's settings, or a new one's presets): Esc
  // asks before it leaves values that differ from them.
  const [baseline, setBaseline] = useState<Values>(values);
  const discard = useDiscardQuestion();
  const [focus, setFocus] = useState(0);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [addNewClient, setAddNewClient] = useState(false);
  const [check, setCheck] = useState<CheckResult | 'running' | 'skipped' | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const [choice, setChoice] = useState(0);
  const [cursor, setCursor] = useState(Number.MAX_SAFE_INTEGER);
  const choiceRef = useRef(0);

  const stepFields = step === 'integration' || step === 'parameters' ? fieldsOf(provider, step) : [];
  const field = stepFields[focus];
  const draft = (current: Values = values) => draftFrom(provider, current, editing);
  const others = () => services.modules().filter((m) => m.id !== editing?.id);

  const judge = (f: Field, current: Values = values): string | null => {
    const message = services.fieldError(draft(current), f.section, f.key, editing);
    if (message) return message;
    if (f.section === 'parameters' && f.key === 'name') {
      const clash = others().find((m) => m.parameters.name.trim().toLowerCase() === String(current['parameters.name'] ?? '').trim().toLowerCase());
      if (clash) return `a processing module named "${clash.parameters.name}" already exists`;
    }
    return null;
  };
  const leave = (f: Field | undefined, current: Values = values) => {
    if (!f) return;
    const message = judge(f, current);
    setErrors((e) => {
      const { [`${f.section}.${f.key}`]: _gone, ...rest } = e;
      return message ? { ...rest, [`${f.section}.${f.key}`]: message } : rest;
    });
  };
  const move = (to: number) => {
    leave(field);
    setFocus(Math.max(0, Math.min(stepFields.length - 1, to)));
    setCursor(Number.MAX_SAFE_INTEGER);
  };

  const runCheck = () => {
    let valid;
    try {
      valid = services.validate(draft(), editing);
    } catch (error) {
      if (error instanceof ModuleInputError) {
        setErrors(Object.fromEntries(error.issues.map((i) => [`${i.section}.${i.field}`, i.message])));
        const first = error.issues[0];
        setStep(first?.section === 'parameters' ? 'parameters' : 'integration');
        return;
      }
      throw error;
    }
    setCheck('running');
    void services.checkDraft(valid).then(setCheck);
  };

  /** Validates the step's fields; moves on only when all are right. */
  const finishStep = (current: Values = values) => {
    const found: Record<string, string> = {};
    for (const f of stepFields) {
      const message = judge(f, current);
      if (message) found[`${f.section}.${f.key}`] = message;
    }
    setErrors((e) => ({ ...Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith(`${step}.`))), ...found }));
    const firstBad = stepFields.findIndex((f) => found[`${f.section}.${f.key}`]);
    if (firstBad >= 0) {
      setFocus(firstBad);
      return;
    }
    setFocus(0);
    if (step === 'integration') setStep('parameters');
    else {
      setStep('check');
      setCheck(editing ? null : 'running');
      if (!editing) runCheck();
    }
  };

  const save = (result: CheckResult | null) => {
    setSaving('Saving…');
    const done = editing ? services.editModule(editing, changeOf(draft()), result) : services.addModule(draft(), result);
    void done.then(
      // An edit goes back to the module it came from; a new module replaces the wizard.
      (module) => {
        if (editing) pop();
        else replace({ id: 'module', moduleId: module.id });
        notify('Saved.');
      },
      (error: unknown) => setSaving(`Not saved: ${(error as Error).message}`),
    );
  };

  const back = () => {
    const index = STEPS.indexOf(step);
    if (editing ? index <= STEPS.indexOf('integration') : index === 0) return pop();
    setErrors({});
    setFocus(0);
    setCheck(null);
    const previous = STEPS[index - 1] as Step;
    if (previous === 'provider') {
      choiceRef.current = Math.max(0, PROVIDER_IDS.indexOf(provider));
      setChoice(choiceRef.current);
    }
    setStep(previous);
  };

  const inText = (step === 'integration' || step === 'parameters') && field !== undefined && field.kind !== 'boolean';
  useKeys(
    (input, key) => {
      const index = STEPS.indexOf(step);
      const leaving = editing ? index <= STEPS.indexOf('integration') : index === 0;
      // Esc leaves the wizard from its first step: typed values are lost, so it asks first.
      if ((discard.asking || leaving) && discard.handle(input, key, changedFrom(baseline, values), pop)) return true;
      if (key.escape) {
        back();
        return true;
      }
      if (step === 'product' || step === 'provider') {
        const count = step === 'product' ? 1 : PROVIDER_IDS.length;
        // Keys may arrive several in one chunk: the ref holds the index between them.
        const next = selectKey(choiceRef.current, count, input, key);
        if (next === null) return false;
        if (next !== 'choose') {
          choiceRef.current = next;
          setChoice(next);
        } else if (step === 'product') {
          choiceRef.current = Math.max(0, PROVIDER_IDS.indexOf(provider));
          setChoice(choiceRef.current);
          setStep('provider');
        } else {
          const chosen = PROVIDER_IDS[choiceRef.current] as ProviderId;
          // In the demo, the new module points at the provider's sandbox unless the operator changes
          // it: in the provider's own address field where it has one (as BILLmanager's), else
          // (GlobalSign, whose address is chosen by Demo) in the advanced endpoint.
          const sandbox = services.sandboxAccount(chosen);
          const addressField = ADDRESS_FIELD[chosen];
          const ownAddress = providerModule(chosen).fields.some((f) => f.key === addressField && f.kind === 'url');
          if (chosen !== provider || Object.keys(values).length === 0) {
            const presets = sandbox ? (ownAddress ? { [`integration.${addressField}`]: sandbox.endpoint } : { 'network.endpoint': sandbox.endpoint }) : {};
            setValues(presets);
            setBaseline(presets);
          }
          setProvider(chosen);
          setErrors({});
          setFocus(0);
          setStep('integration');
        }
        return true;
      }
      if (step === 'check') {
        if (check === 'running' || saving === 'Saving…') return true;
        if (check === null) {
          if (input === 'y' || key.return) runCheck();
          else if (input === 'n') save(null);
          else return false;
          return true;
        }
        if (check !== 'skipped' && check.ok && key.return) save(check);
        else if (check !== 'skipped' && !check.ok && input === 's') save(check);
        else if (input === 'r') runCheck();
        else if (input === 'e') {
          // To the setting the cause names (the endpoint when it overrides the provider's address;
          // GlobalSign's IP address when the address is refused); none: the first field.
          const target = check !== 'skipped' && !check.ok ? settingToFix(provider, check, draft().network) : null;
          setCheck(null);
          setFocus(target ? Math.max(0, fieldsOf(provider, 'integration').findIndex((f) => f.section === target.section && f.key === target.key)) : 0);
          setCursor(Number.MAX_SAFE_INTEGER);
          setStep('integration');
        } else return false;
        return true;
      }
      if (inText && field && !key.tab && !key.upArrow && !key.downArrow) {
        const id = `${field.section}.${field.key}`;
        const value = typeof values[id] === 'string' ? (values[id] as string) : '';
        const edit = applyTextKey({ value, cursor: Math.min(cursor, value.length) }, input, key);
        if (edit) {
          const current = { ...values, [id]: edit.value };
          setValues(current);
          setCursor(edit.cursor);
          // A field already refused is judged again at each edit: the error goes once the value is
          // right (or says what is still wrong), rather than stay under a corrected value.
          if (errors[id] && edit.value !== value) leave(field, current);
          if (edit.submit) submitField(current);
          return true;
        }
      }
      if (key.tab && key.shift) move(focus - 1);
      else if (key.tab || key.downArrow) move(focus + 1);
      else if (key.upArrow) move(focus - 1);
      else if (field?.kind === 'boolean' && (input === ' ' || key.leftArrow || key.rightArrow)) setValues((v) => ({ ...v, [`integration.${field.key}`]: !v[`integration.${field.key}`] }));
      else if (field?.kind === 'boolean' && key.return) submitField();
      else if (provider === 'leadertelecom' && step === 'integration' && key.ctrl && input === 'n') setAddNewClient((a) => !a);
      else return false;
      return true;
    },
    discard.asking
      ? DISCARD_HINTS
      : step === 'product' || step === 'provider'
      ? '↑ ↓ choose  Enter select'
      : step === 'check'
        ? check === null
          ? 'y check first  n save without checking'
          : check === 'running' || check === 'skipped'
            ? ''
            : check.ok
              ? 'Enter save  r check again  e change the settings'
              : 'e fix the settings  r retry  s save anyway (not verified)'
        : `Tab ↓ next field  ↑ previous  Enter next${provider === 'leadertelecom' && step === 'integration' ? '  Ctrl+N add new client' : ''}`,
    inText || discard.asking,
  );

  function submitField(current: Values = values) {
    if (!field) return;
    leave(field, current);
    setCursor(Number.MAX_SAFE_INTEGER);
    if (focus < stepFields.length - 1) setFocus(focus + 1);
    else finishStep(current);
  }

  const stepNumber = STEPS.indexOf(step) + 1;
  const labelWidth = 18;
  const valueWidth = Math.max(20, columns - labelWidth - 6);
  // The name as typed: after a rename the later steps show the new name, not the stored one.
  const typedName = String(values['parameters.name'] ?? '').trim();
  const shownName = editing && typedName && typedName !== editing.parameters.name ? `${typedName} (was ${editing.parameters.name})` : (editing?.parameters.name ?? '');
  const address = moduleAddress(provider, draft().integration, draft().network);
  const addressLabel = fieldsOf(provider, 'integration').find((f) => f.section === 'integration' && f.key === ADDRESS_FIELD[provider])?.label ?? '';
  const addressLine = addressSentence(provider, address, addressLabel);
  const stepTitle = `Step ${stepNumber} of ${STEPS.length} · ${STEP_TITLES[step]}`;
  const titleRest = step !== 'product' && step !== 'provider' ? ` — ${PROVIDERS[provider].title}${editing ? ` · ${shownName}` : ''}` : '';
  const titleFits = columnsOf(stepTitle + titleRest) <= columns - 2;
  return (
    <Box flexDirection="column">
      {/* The step, then the provider and the module's name (when editing) whole: on the line of the
          step when they fit, else on the next one (wrapped), where the blank line was. */}
      <Text>
        <Text bold>{stepTitle}</Text>
        {titleFits ? <Text dimColor>{titleRest}</Text> : null}
      </Text>
      {titleFits ? <Text> </Text> : <Paragraph dimColor width={columns - 2} lead="  " text={titleRest.replace(/^ — /, '')} />}
      {step === 'product' ? <Select items={[{ label: 'SSL certificates', value: 'ssl' }]} index={0} /> : null}
      {step === 'provider' ? <Select items={PROVIDER_IDS.map((id) => ({ label: PROVIDERS[id].title, value: id }))} index={choice} /> : null}
      {step === 'integration' || step === 'parameters'
        ? stepFields.map((f, index) => {
            const id = `${f.section}.${f.key}`;
            const focused = index === focus;
            const value = values[id];
            const error = errors[id];
            return (
              <Box key={id} flexDirection="column">
                {f.section === 'network' ? (
                  <Box flexDirection="column" marginTop={1}>
                    <Paragraph width={columns - 2} text={addressLine} />
                    <Text bold>Advanced network settings (certops' own; not in BILLmanager)</Text>
                  </Box>
                ) : null}
                <Box>
                  <Text {...(focused ? { color: 'cyan' } : {})}>{focused ? '› ' : '  '}{fit(f.label, labelWidth)}</Text>
                  {f.kind === 'boolean' ? (
                    <Text>{value === true ? '[x]' : '[ ]'} {f.key === 'demo' ? 'use the test system' : ''}</Text>
                  ) : (
                    <TextField
                      state={{ value: typeof value === 'string' ? value : '', cursor: Math.min(cursor, typeof value === 'string' ? value.length : 0) }}
                      focused={focused}
                      secret={f.kind === 'secret'}
                      placeholder={editing && f.kind === 'secret' ? '(unchanged)' : placeholderOf(f)}
                      width={valueWidth}
                    />
                  )}
                </Box>
                {error ? (
                  <Box paddingLeft={labelWidth + 4}>
                    <Text color="red" wrap="wrap">
                      ✗ {error}
                    </Text>
                  </Box>
                ) : null}
              </Box>
            );
          })
        : null}
      {(step === 'integration' || step === 'parameters') && field ? (
        <Box flexDirection="column" marginTop={1}>
          <Paragraph dimColor width={columns - 2} text={`${field.label}: ${field.help}`} />
          {step === 'integration' && services.sandboxAccount(provider) ? (
            <Box flexDirection="column">
              <Text color="yellow">SANDBOX test account: {services.sandboxAccount(provider)?.username}</Text>
              <Text color="yellow">SANDBOX test password: {services.sandboxAccount(provider)?.password}</Text>
            </Box>
          ) : null}
          {provider === 'leadertelecom' && step === 'integration' ? (
            <Text>
              {addNewClient ? '[x]' : '[ ]'} Add New Client (Ctrl+N){addNewClient ? <Text color="cyan"> register with LeaderSSL: {LEADERSSL_SIGNUP_URL}</Text> : null}
            </Text>
          ) : null}
        </Box>
      ) : null}
      {discard.asking ? <DiscardLine /> : null}
      {step === 'check' ? <CheckStep check={check} editing={Boolean(editing)} saving={saving} columns={columns} provider={provider} fix={check !== null && typeof check === 'object' && !check.ok ? fixText(provider, check, draft().network) : ''} /> : null}
    </Box>
  );
}

/** Whether `values` differ from `baseline` (a field left empty is the same as one never typed in). */
function changedFrom(baseline: Values, values: Values): boolean {
  const keys = new Set([...Object.keys(baseline), ...Object.keys(values)]);
  const plain = (value: string | boolean | undefined) => (value === undefined || value === false ? '' : value);
  return [...keys].some((key) => plain(baseline[key]) !== plain(values[key]));
}

/** What an empty field shows: the value used when it is left blank, or an example of a required one. */
function placeholderOf(field: Field): string {
  if (!field.placeholder) return '';
  if (field.placeholder.startsWith('(')) return field.placeholder;
  return field.kind === 'url' && field.section === 'integration' && !providerRequired(field) ? `blank: ${field.placeholder}` : `e.g. ${field.placeholder}`;
}

function providerRequired(field: Field): boolean {
  return field.key === 'url';
}

/** For an edit: the whole draft's sections (the core keeps what is not changed). */
function changeOf(draft: ModuleDraft) {
  return { parameters: draft.parameters, integration: draft.integration, network: draft.network };
}

/** What e does after a failed check: the field the cause names, or where else the fix lies. */
function fixText(provider: ProviderId, check: Extract<CheckResult, { ok: false }>, network: { readonly endpoint?: string | undefined }): string {
  const target = settingToFix(provider, check, network);
  if (!target) {
    const where = check.cause === 'ip-not-allowed' ? (PROVIDERS[provider].troubleshooting.ipAllowed ?? "ask the provider to allow API calls from this server's IP address") : PROVIDERS[provider].troubleshooting.parameters;
    return `No setting here causes this: ${where}. e opens the integration settings · r retry · s save anyway (marked "not verified")`;
  }
  const label = fieldsOf(provider, 'integration').find((f) => f.section === target.section && f.key === target.key)?.label ?? target.key;
  return `e fix the ${label}${target.section === 'network' ? ' (advanced network settings)' : ''} · r retry · s save anyway (marked "not verified")`;
}

function CheckStep({ check, editing, saving, columns, fix, provider }: { check: CheckResult | 'running' | 'skipped' | null; editing: boolean; saving: string | null; columns: number; fix: string; provider: ProviderId }) {
  const heading = check && typeof check === 'object' ? PROVIDERS[check.provider].troubleshooting.heading : '';
  // A provider that does not answer is named, with how long it has been waited for.
  const waited = useWaited(check === 'running' || check === 'skipped');
  if (saving) return <Text>{saving}</Text>;
  if (check === null) return <Text>{editing ? 'Check the connection with the new settings before saving? (y / n)' : ''}</Text>;
  if (check === 'running' || check === 'skipped')
    return (
      <Text>
        <Spinner /> Checking the connection to the processing module ({PROVIDERS[provider].title})…{waitedText(waited)}
      </Text>
    );
  if (check.ok)
    return (
      <Box flexDirection="column">
        <Text color="green">✓ Connected: the provider answered in {check.roundTripMs} ms.</Text>
        <Text>Press Enter to save the processing module.</Text>
      </Box>
    );
  return (
    <Box flexDirection="column">
      <Text color="red" bold>
        ✗ {check.message}
      </Text>
      <Text>{fit(`  Cause: ${CAUSE_LABELS[check.cause]}`, columns - 2)}</Text>
      <Box paddingLeft={2}>
        <Paragraph dimColor width={columns - 4} text={check.detail} />
      </Box>
      <Text> </Text>
      <Text>{heading.charAt(0).toUpperCase() + heading.slice(1)}</Text>
      {check.steps.map((s) => (
        <Box key={s}>
          {/* The bullet keeps its width when the step wraps (Ink shrinks both texts otherwise). */}
          <Box flexShrink={0}>
            <Text>{'  • '}</Text>
          </Box>
          <Text wrap="wrap">{s}</Text>
        </Box>
      ))}
      <Text> </Text>
      <Paragraph width={columns - 2} text={fix} />
    </Box>
  );
}
