/**
 * The HTML report's entry (bundled into static/report.js, inlined by report.py): reads the
 * model the page embeds and mounts the widget's own `render()` over it (js/static-model.ts).
 * Every view in js/views/registry.ts, the legend and the statistics panel are the widget's.
 */

import type { ReportModel } from "./protocol";
import { StaticModel } from "./static-model";
import widget from "./widget";

/** The ids report.py gives the embedded model and the element the widget is mounted in. */
export const MODEL_ID = "tpot-model";
export const ROOT_ID = "tpot-report";

/** Mount the report's widget; on failure, say why in the page (as text). */
function mount(doc: Document): void {
  const root = doc.getElementById(ROOT_ID);
  try {
    const script = doc.getElementById(MODEL_ID);
    if (root === null || script === null) {
      throw new Error(`the page has no #${ROOT_ID} or #${MODEL_ID} element`);
    }
    const model = new StaticModel(JSON.parse(script.textContent ?? "") as ReportModel);
    widget.initialize({ model });
    widget.render({ model, el: root });
  } catch (exc) {
    const text = exc instanceof Error ? exc.message : String(exc);
    const note = doc.createElement("p");
    note.dataset["testid"] = "report-error";
    note.textContent = `The report's views could not be drawn: ${text}`;
    (root ?? doc.body).append(note);
    throw exc;
  }
}

mount(document);
