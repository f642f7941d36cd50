/** The New-job form's field groups (new-job.tsx holds the state). Every input has a visible label. */
import type { ComponentChildren } from "preact";
import type { Problem, ScenarioInfo } from "../api.ts";
import type { JobForm } from "../build-args.ts";
import { ProblemList } from "../components/common.tsx";

export type SetField = <K extends keyof JobForm>(key: K, value: JobForm[K]) => void;

export interface XmlState {
  readonly fileName: string;
  readonly text: string;
  readonly checking: boolean;
  readonly problems: readonly Problem[] | null;
  readonly error: string | null;
}

type TextKey = {
  [K in keyof JobForm]: JobForm[K] extends string ? K : never;
}[keyof JobForm];
type FlagKey = {
  [K in keyof JobForm]: JobForm[K] extends boolean ? K : never;
}[keyof JobForm];

interface FieldProps {
  readonly form: JobForm;
  readonly set: SetField;
}

function Text(props: FieldProps & { name: TextKey; label: string; hint?: string; placeholder?: string }) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        value={props.form[props.name]}
        placeholder={props.placeholder}
        aria-describedby={props.hint === undefined ? undefined : `${id}-hint`}
        onInput={(e) => props.set(props.name, e.currentTarget.value)}
      />
      {props.hint !== undefined && (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

function Flag(props: FieldProps & { name: FlagKey; label: string }) {
  const id = `f-${props.name}`;
  return (
    <div class="field check">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.form[props.name]}
        onChange={(e) => props.set(props.name, e.currentTarget.checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

function Choice<K extends TextKey>(
  props: FieldProps & { name: K; label: string; options: readonly (readonly [JobForm[K], string])[] },
) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.form[props.name]}
        onChange={(e) => props.set(props.name, e.currentTarget.value as JobForm[K])}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function Group({ legend, children }: { readonly legend: string; readonly children: ComponentChildren }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="grid">{children}</div>
    </fieldset>
  );
}

export function ScenarioFields(
  props: FieldProps & {
    scenarios: readonly ScenarioInfo[];
    xml: XmlState | null;
    onXml: (fileName: string, text: string) => void;
  },
) {
  const { form, set } = props;
  const described = props.scenarios.find((s) => s.name === form.scenario);
  return (
    <fieldset>
      <legend>Scenario</legend>
      <div class="radios" role="radiogroup" aria-label="Scenario source">
        {(
          [
            ["builtin", "Built-in"],
            ["xml", "Upload XML"],
            ["raw", "Raw arguments"],
          ] as const
        ).map(([value, text]) => (
          <label key={value}>
            <input
              type="radio"
              name="scenarioSource"
              value={value}
              checked={form.scenarioSource === value}
              onChange={() => set("scenarioSource", value)}
            />{" "}
            {text}
          </label>
        ))}
      </div>
      {form.scenarioSource === "builtin" && (
        <div class="field">
          <label for="f-scenario">Built-in scenario (-sn)</label>
          <select
            id="f-scenario"
            name="scenario"
            value={form.scenario}
            onChange={(e) => set("scenario", e.currentTarget.value)}
          >
            {props.scenarios.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
                {s.webrtc ? " (WebRTC)" : ""}
              </option>
            ))}
          </select>
          {described !== undefined && <small class="muted">{described.description}</small>}
        </div>
      )}
      {form.scenarioSource === "xml" && <XmlUpload xml={props.xml} onXml={props.onXml} />}
      {form.scenarioSource === "raw" && (
        <div class="field">
          <label for="f-rawArgs">
            Arguments, as on the command line after <code>sipwright</code>
          </label>
          <textarea
            id="f-rawArgs"
            name="rawArgs"
            rows={3}
            value={form.rawArgs}
            placeholder="-sn uac 127.0.0.1:5070 -r 10 -m 100"
            onInput={(e) => set("rawArgs", e.currentTarget.value)}
          />
        </div>
      )}
    </fieldset>
  );
}

function XmlUpload({ xml, onXml }: { readonly xml: XmlState | null; readonly onXml: (f: string, t: string) => void }) {
  const onFile = (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    void file.text().then((text) => onXml(file.name, text));
  };
  return (
    <div class="field">
      <label for="f-xml">Scenario file (-sf)</label>
      <input id="f-xml" type="file" accept=".xml,application/xml,text/xml" onChange={onFile} />
      <div aria-live="polite">
        {xml?.checking === true && <p class="muted">Checking {xml.fileName}…</p>}
        {xml !== null && !xml.checking && xml.error !== null && <p class="problem">{xml.error}</p>}
        {xml?.problems?.length === 0 && <p class="ok">{xml.fileName} is valid.</p>}
        {xml?.problems !== undefined && xml.problems !== null && xml.problems.length > 0 && (
          <div class="state error" data-validation>
            <p>
              {xml.fileName}: {xml.problems.length} problem{xml.problems.length === 1 ? "" : "s"}
            </p>
            <ProblemList problems={xml.problems} />
          </div>
        )}
      </div>
    </div>
  );
}

export function RunFields(props: FieldProps) {
  return (
    <Group legend="Addresses and rate">
      <Text {...props} name="remote" label="Remote address (host:port)" placeholder="127.0.0.1:5060" />
      <Choice
        {...props}
        name="transport"
        label="Transport (-t)"
        options={[
          ["u1", "UDP, one socket (u1)"],
          ["un", "UDP, socket per call (un)"],
          ["t1", "TCP, one connection (t1)"],
          ["tn", "TCP, connection per call (tn)"],
          ["l1", "TLS, one connection (l1)"],
          ["ln", "TLS, connection per call (ln)"],
          ["ws1", "WebSocket (ws1)"],
          ["wss1", "Secure WebSocket (wss1)"],
        ]}
      />
      <Text {...props} name="localIp" label="Local IP (-i)" />
      <Text {...props} name="localPort" label="Local port (-p)" hint="0 or empty: a free port" />
      <Text {...props} name="rate" label="Rate, calls/s (-r)" />
      <Text {...props} name="maxCalls" label="Stop after N calls (-m)" />
      <Text {...props} name="callLimit" label="Concurrent calls limit (-l)" />
      <Text {...props} name="extraArgs" label="More arguments" placeholder="-d 2000 -timeout 60s" />
    </Group>
  );
}

export function MediaFields(props: FieldProps) {
  return (
    <Group legend="Media and recording">
      <Flag {...props} name="record" label="Record sent and received audio (--record)" />
      <Flag {...props} name="recordStereo" label="Stereo recording (--record-stereo)" />
      <Flag {...props} name="rtpEcho" label="Echo received audio (-rtp_echo)" />
      <Text {...props} name="codecs" label="Codecs (--codecs)" placeholder="PCMA,PCMU" />
    </Group>
  );
}

export function WebrtcFields(props: FieldProps & { webrtcScenario: boolean }) {
  const on = props.form.webrtc || props.webrtcScenario;
  return (
    <Group legend="WebRTC">
      <Flag {...props} name="webrtc" label="WebRTC media bridge (--webrtc)" />
      {on && (
        <>
          <div class="field wide">
            <label for="f-iceServers">ICE servers (--ice-server), one per line</label>
            <textarea
              id="f-iceServers"
              name="iceServers"
              rows={2}
              value={props.form.iceServers}
              placeholder="stun:127.0.0.1:3478&#10;turn:127.0.0.1:3478?transport=udp"
              onInput={(e) => props.set("iceServers", e.currentTarget.value)}
            />
          </div>
          <Choice
            {...props}
            name="icePolicy"
            label="Relay policy (--ice-policy)"
            options={[
              ["all", "all"],
              ["relay", "relay only"],
            ]}
          />
          <Choice
            {...props}
            name="trickle"
            label="Trickle mode (--trickle)"
            options={[
              ["auto", "auto"],
              ["trickle", "trickle"],
              ["half", "half"],
              ["full", "full"],
            ]}
          />
          <Text {...props} name="turnSecret" label="TURN REST secret (--turn-secret)" />
          <Text {...props} name="turnTtl" label="TURN REST TTL, s (--turn-ttl)" />
        </>
      )}
    </Group>
  );
}
