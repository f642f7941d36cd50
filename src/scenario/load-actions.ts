/**
 * `<action>` inside a step: every child element is built by createAction (the actions' own module); keyword-bearing
 * attribute values are compiled here so that their problems point into the attribute value.
 */
import { formatLocation, type ScenarioProblem, type SourceLocation } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import type { Action } from "./actions/action.js";
import { createAction } from "./actions/create-action.js";
import { AttributeReader } from "./load-attributes.js";
import { compileTextTemplate } from "./template.js";
import type { TextTemplate } from "./template.js";
import { advance } from "./xml-document.js";
import type { XmlElement } from "./xml-document.js";
import type { StepLoadState } from "./load-step.js";

const log = createLogger("scenario");

/** Every element inside `<action>` goes through createAction; anything else inside a step is a problem. */
export function loadActions(
  el: XmlElement,
  state: Pick<StepLoadState, "problems" | "customKeys" | "fileNotes" | "scenarioDir">,
): Action[] {
  const { problems, customKeys } = state;
  const actions: Action[] = [];
  let seen = false;
  for (const child of el.children) {
    if (child.tag !== "action") {
      problems.push({ loc: child.loc, message: `unexpected element <${child.tag}> inside <${el.tag}>` });
      continue;
    }
    if (seen) problems.push({ loc: child.loc, message: `<${el.tag}> has more than one <action>` });
    seen = true;
    new AttributeReader(child, problems, []);
    for (const item of child.children) {
      const action = createAction(item.tag, item.attrs, {
        loc: item.loc,
        compileText: (raw) => compileAttributeText(item, raw, problems, customKeys),
        problem: (message) => problems.push({ loc: item.loc, message }),
        scenarioDir: state.scenarioDir,
        note: (message) => {
          state.fileNotes.push({ loc: item.loc, message });
          log.debug(`${formatLocation(item.loc)}: ${message}`);
        },
      });
      if (action !== undefined) actions.push(action);
    }
  }
  return actions;
}

function compileAttributeText(
  item: XmlElement,
  raw: string,
  problems: ScenarioProblem[],
  customKeys: { name: string; loc: SourceLocation }[],
): TextTemplate {
  const { template, problems: found, customKeys: keys } = compileTextTemplate(raw);
  const attr = Object.keys(item.attrs).find((name) => item.attrs[name] === raw);
  const start = attr === undefined ? undefined : item.attrValueLocs[attr];
  const at = (offset: number): SourceLocation =>
    start === undefined ? item.loc : advance(start, raw.slice(0, offset));
  for (const p of found) problems.push({ loc: at(p.offset), message: p.message });
  for (const k of keys) customKeys.push({ name: k.name, loc: at(k.offset) });
  return template;
}
