// The plotly.js partial-bundle entry points have no type declarations of their own.
declare module "plotly.js/lib/core" {
  import type * as API from "plotly.js";
  const Plotly: typeof API.default;
  export default Plotly;
}
declare module "plotly.js/lib/box" {
  const module: import("plotly.js").PlotlyModule;
  export default module;
}
declare module "plotly.js/lib/histogram" {
  const module: import("plotly.js").PlotlyModule;
  export default module;
}
declare module "plotly.js/lib/histogram2d" {
  const module: import("plotly.js").PlotlyModule;
  export default module;
}
declare module "plotly.js/lib/scattergl" {
  const module: import("plotly.js").PlotlyModule;
  export default module;
}
