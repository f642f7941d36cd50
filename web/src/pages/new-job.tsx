/**
 * New job: a built-in scenario or an uploaded XML file (checked by POST /api/validate, problems with line and
 * column), the run's options as form fields, or raw arguments. The form shows the `args` it will send.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorText, type Problem, type ScenarioInfo } from "../api.ts";
import { buildArgs, EMPTY_FORM, type JobForm } from "../build-args.ts";
import { ErrorBox, Loading, ProblemList } from "../components/common.tsx";
import {
  MediaFields,
  RunFields,
  ScenarioFields,
  WebrtcFields,
  type SetField,
  type XmlState,
} from "./new-job-fields.tsx";

export function NewJob() {
  const [form, setForm] = useState<JobForm>(EMPTY_FORM);
  const [name, setName] = useState("");
  const [scenarios, setScenarios] = useState<ScenarioInfo[] | null>(null);
  const [scenarioError, setScenarioError] = useState<string | null>(null);
  const [xml, setXml] = useState<XmlState | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<{ message: string; problems: readonly Problem[] } | null>(null);

  const loadScenarios = () => {
    setScenarioError(null);
    api.scenarios().then(setScenarios, (reason: unknown) => setScenarioError(errorText(reason)));
  };
  useEffect(loadScenarios, []);

  const set: SetField = (key, value) => setForm((current) => ({ ...current, [key]: value }));
  const selected = scenarios?.find((scenario) => scenario.name === form.scenario);
  const webrtcScenario = form.scenarioSource === "builtin" && selected?.webrtc === true;

  let args: string[] | null = null;
  let argsError: string | null = null;
  try {
    args = buildArgs(form, webrtcScenario);
  } catch (error) {
    argsError = errorText(error);
  }

  const validateXml = (fileName: string, text: string) => {
    setXml({ fileName, text, checking: true, problems: null, error: null });
    api.validate(text).then(
      (answer) => setXml({ fileName, text, checking: false, problems: answer.errors ?? [], error: null }),
      (reason: unknown) => {
        const problems = reason instanceof ApiError ? reason.problems : [];
        const error = problems.length > 0 ? null : errorText(reason);
        setXml({ fileName, text, checking: false, problems, error });
      },
    );
  };

  const xmlBlocks = form.scenarioSource === "xml" && (xml === null || xml.checking || (xml.problems?.length ?? 1) > 0);
  const canSubmit = args !== null && !submitting && !xmlBlocks;

  const submit = (event: Event) => {
    event.preventDefault();
    if (args === null || !canSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    const body: { name?: string; args: string[]; scenario_xml?: string } = { args };
    if (name.trim() !== "") body.name = name.trim();
    if (form.scenarioSource === "xml" && xml !== null) body.scenario_xml = xml.text;
    api.createJob(body).then(
      (job) => {
        location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
      },
      (reason: unknown) => {
        setSubmitting(false);
        setSubmitError({ message: errorText(reason), problems: reason instanceof ApiError ? reason.problems : [] });
      },
    );
  };

  return (
    <section aria-labelledby="new-title">
      <div class="page-head">
        <h1 id="new-title">New job</h1>
      </div>
      {scenarioError !== null && (
        <ErrorBox message={`Could not load the built-in scenarios: ${scenarioError}`} onRetry={loadScenarios} />
      )}
      {scenarios === null && scenarioError === null && <Loading what="scenarios" />}
      <form class="job-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="job-name">Job name (optional)</label>
          <input id="job-name" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <ScenarioFields form={form} set={set} scenarios={scenarios ?? []} xml={xml} onXml={validateXml} />
        {form.scenarioSource !== "raw" && (
          <>
            <RunFields form={form} set={set} />
            <MediaFields form={form} set={set} />
            <WebrtcFields form={form} set={set} webrtcScenario={webrtcScenario} />
          </>
        )}
        <div class="field">
          <span class="label">Arguments sent</span>
          {args !== null ? (
            <code class="args-preview" data-args>
              {args.join(" ")}
            </code>
          ) : (
            <p class="problem">{argsError}</p>
          )}
        </div>
        {submitError !== null && (
          <div class="state error" role="alert">
            <p>The job was not started: {submitError.message}</p>
            <ProblemList problems={submitError.problems} />
          </div>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={!canSubmit}>
            {submitting ? "Starting…" : "Start job"}
          </button>
          <a class="button" href="#/">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
