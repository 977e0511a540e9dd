/** Copy text to the clipboard: the async Clipboard API, or a hidden textarea + execCommand. */

/** Copy `text`; resolves true when it reached the clipboard. */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const nav = (doc.defaultView ?? window).navigator;
  if (nav.clipboard && typeof nav.clipboard.writeText === "function") {
    try {
      await nav.clipboard.writeText(text);
      return true;
    } catch {
      // not permitted here (e.g. an insecure origin or an iframe): try the old way
    }
  }
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.left = "-9999px";
  doc.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = doc.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
