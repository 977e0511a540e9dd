/**
 * Light/dark theme: follows JupyterLab (`body[data-jp-theme-light]`), resolves the --jp-*
 * CSS variables into concrete colours for plotly (which cannot read CSS variables).
 */

export type ThemeName = "light" | "dark";

/** JupyterLab's current theme; VS Code's dark body class as a fallback; light otherwise. */
export function detectTheme(doc: Document = document): ThemeName {
  const body = doc.body;
  if (body === null) return "light";
  const flag = body.dataset["jpThemeLight"];
  if (flag === "false") return "dark";
  if (flag === "true") return "light";
  if (body.classList.contains("vscode-dark") || body.classList.contains("vscode-high-contrast")) {
    return "dark";
  }
  return "light";
}

/** Call `onChange` whenever the page's theme flips; returns the unsubscribe function. */
export function watchTheme(onChange: (theme: ThemeName) => void, doc: Document = document): () => void {
  if (doc.body === null || typeof MutationObserver === "undefined") return () => undefined;
  let current = detectTheme(doc);
  const observer = new MutationObserver(() => {
    const next = detectTheme(doc);
    if (next !== current) {
      current = next;
      onChange(next);
    }
  });
  observer.observe(doc.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "class"] });
  return () => observer.disconnect();
}

/** Concrete colours for plotly figures. */
export interface PlotColors {
  font: string;
  muted: string;
  grid: string;
  line: string;
  hoverBg: string;
  /** Veil laid over the scatter outside the token range. */
  veil: string;
  fontFamily: string;
}

/** The colours used where JupyterLab's CSS variables are missing (and in unit tests). */
export const FALLBACK: Record<ThemeName, PlotColors> = {
  light: {
    font: "#1f2328",
    muted: "#59636e",
    grid: "#e3e6ea",
    line: "#c5cad1",
    hoverBg: "#ffffff",
    veil: "rgba(255,255,255,0.78)",
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  },
  dark: {
    font: "#e6edf3",
    muted: "#9198a1",
    grid: "#30363d",
    line: "#4a525c",
    hoverBg: "#1c2128",
    veil: "rgba(17,17,17,0.72)",
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  },
};

/** A CSS variable's value as seen from `el`, or `fallback` when unset. */
export function cssVar(el: Element, name: string, fallback: string): string {
  const value = getComputedStyle(el).getPropertyValue(name).trim();
  return value === "" ? fallback : value;
}

/** The plot colours for `theme`, taken from JupyterLab's variables where they exist. */
export function plotColors(el: Element, theme: ThemeName): PlotColors {
  const f = FALLBACK[theme];
  const bg = cssVar(el, "--jp-layout-color0", "");
  return {
    font: cssVar(el, "--jp-ui-font-color1", f.font),
    muted: cssVar(el, "--jp-ui-font-color2", f.muted),
    grid: cssVar(el, "--jp-border-color2", f.grid),
    line: cssVar(el, "--jp-border-color1", f.line),
    hoverBg: cssVar(el, "--jp-layout-color1", f.hoverBg),
    veil: bg === "" ? f.veil : withAlpha(bg, 0.78) ?? f.veil,
    fontFamily: cssVar(el, "--jp-ui-font-family", f.fontFamily),
  };
}

/** "#rrggbb" / "#rgb" / "rgb(r, g, b)" with an alpha; null for anything else. */
export function withAlpha(color: string, alpha: number): string | null {
  const c = color.trim();
  let r: number;
  let g: number;
  let b: number;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1] as string;
    const full = h.length === 3 ? h.replace(/./g, (d) => d + d) : h;
    r = Number.parseInt(full.slice(0, 2), 16);
    g = Number.parseInt(full.slice(2, 4), 16);
    b = Number.parseInt(full.slice(4, 6), 16);
  } else {
    const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(c);
    if (!rgb) return null;
    r = Number(rgb[1]);
    g = Number(rgb[2]);
    b = Number(rgb[3]);
  }
  return `rgba(${r},${g},${b},${alpha})`;
}
